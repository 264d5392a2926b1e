// `npx tsx bench/profile.ts parser|echo ...`: a CPU profile (node --cpu-prof) of one benchmark case, top self time.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_APP_HEAP_MIB } from './lib/args.js';
import { Child } from './lib/child.js';
import type { EchoConfig } from './net/echo-client.js';
import type { HandshakeConfig } from './net/handshake-client.js';
import type { ParserImpl } from './parser/adapters.js';
import type { ParserWorkerConfig } from './parser/worker.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Self time per function, as a share of all samples. */
function summarize(file: string, top: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const self = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(src|node_modules|bench)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + hits);
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${key}`);
}

/** The busiest profile in `dir`: node also profiles tsx's loader thread, which sits idle. */
function busiestProfile(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no profile written in ${dir}`);
  const busy = (file: string): number => {
    const { nodes } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
    return nodes.reduce(
      (n, node) => (node.callFrame.functionName === '(idle)' ? n : n + (node.hitCount ?? 0)),
      0,
    );
  };
  const ranked = files.map((f) => ({ f, busy: busy(f) })).sort((a, b) => b.busy - a.busy);
  return join(dir, ranked[0]!.f);
}

async function profileParser(argv: string[], dir: string): Promise<void> {
  const [draft = 'rfc6455', kind = 'text', size = '1024', impl = 'wscompat'] = argv;
  const config: ParserWorkerConfig = {
    impl: impl as ParserImpl,
    cases: [{ draft: draft as 'rfc6455', kind: kind as 'text', size: Number(size) }],
    warmupMs: 500,
    measureMs: 4000,
    streamBytes: 4 * 1024 * 1024,
    appHeapMiB: DEFAULT_APP_HEAP_MIB,
  };
  const child = new Child('../parser/worker.ts', config, {}, ['--cpu-prof', '--cpu-prof-dir', dir]);
  const msg = await child.expect('figure', 120_000);
  console.log(`${impl} ${draft} ${kind} ${size} B:`, JSON.stringify(msg.figure ?? msg.error));
  await child.expect('done', 10_000);
  await child.exited;
}

async function profileEcho(argv: string[], dir: string): Promise<void> {
  const [size = '1024', conns = '16', impl = 'wscompat', mode = ''] = argv;
  const pieces = mode === 'pieces';
  const server = new Child('../net/server-main.ts', { impl, appHeapMiB: DEFAULT_APP_HEAP_MIB, pieces }, {}, [
    '--cpu-prof',
    '--cpu-prof-dir',
    dir,
  ]);
  const port = (await server.expect('ready', 30_000)).port as number;
  const config: EchoConfig = {
    port,
    draft: impl === 'net' ? 'none' : 'rfc6455',
    kind: Number(size) >= 65536 ? 'binary' : 'text',
    conns: Number(conns),
    size: Number(size),
    window: Number(size) >= 65536 ? 2 : 8,
    warmupMs: 500,
    measureMs: 4000,
  };
  const client = new Child('../net/echo-client.ts', config);
  const fig = await client.expect('figure', 60_000);
  console.log(`echo ${impl} ${size} B x ${conns}:`, JSON.stringify(fig.figure));
  await client.stop();
  // A clean exit, so node writes the profile.
  server.send({ type: 'exit' });
  await server.exited;
}

async function profileHandshake(argv: string[], dir: string): Promise<void> {
  const [draft = 'rfc6455', impl = 'wscompat'] = argv;
  const server = new Child('../net/server-main.ts', { impl, appHeapMiB: DEFAULT_APP_HEAP_MIB }, {}, [
    '--cpu-prof',
    '--cpu-prof-dir',
    dir,
  ]);
  const port = (await server.expect('ready', 30_000)).port as number;
  const config: HandshakeConfig = {
    port,
    draft: draft as 'rfc6455',
    concurrency: 32,
    warmupMs: 500,
    measureMs: 4000,
  };
  const client = new Child('../net/handshake-client.ts', config);
  const fig = await client.expect('figure', 60_000);
  console.log(`handshake ${impl} ${draft}:`, JSON.stringify(fig.figure));
  await client.stop();
  server.send({ type: 'exit' });
  await server.exited;
}

async function main(): Promise<void> {
  const [what, ...rest] = process.argv.slice(2);
  const dir = mkdtempSync(join(tmpdir(), 'wscompat-prof-'));
  if (what === 'parser') await profileParser(rest, dir);
  else if (what === 'echo') await profileEcho(rest, dir);
  else if (what === 'handshake') await profileHandshake(rest, dir);
  else
    throw new Error(
      'usage: tsx bench/profile.ts parser [draft kind size impl] | echo [size conns impl [pieces]] | handshake [draft impl]',
    );
  const file = busiestProfile(dir);
  console.log(`profile: ${file}\nself time:`);
  for (const line of summarize(file, 20)) console.log(line);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
