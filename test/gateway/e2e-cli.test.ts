// The `wscompat gateway` command as a spawned process: JSON-lines logs, config errors, SIGTERM drains.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closed, echoUpstream, nextMessage, open } from './helpers.js';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'wscompat-gw-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Spawn the CLI; resolves with the child and its parsed log lines as they arrive. */
function spawnGateway(args: string[]): {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'gateway', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      lines.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
    }
  });
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return { child, lines, stderr: () => err };
}

async function listeningPort(lines: Record<string, unknown>[], child: ChildProcess): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    const l = lines.find((x) => x.event === 'listening');
    if (l) return Number(String(l.address).split(':').at(-1));
    if (child.exitCode !== null) throw new Error('gateway exited');
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('gateway did not start');
}

describe('wscompat gateway (process)', () => {
  it('serves clients from a config file, logs JSON lines, and drains on SIGTERM', async () => {
    const up = await echoUpstream();
    const config = join(dir, 'gw.json');
    writeFileSync(config, JSON.stringify({ listen: '127.0.0.1:0', upstream: up.url, shutdownTimeout: '5s' }));
    const { child, lines } = spawnGateway(['--config', config, '--binary-to-legacy', 'drop']);
    const port = await listeningPort(lines, child);
    const url = `ws://127.0.0.1:${port}`;
    const modern = await open(`${url}/a`, 'rfc6455');
    const legacy = await open(`${url}/b`, 'hixie-76');
    const reply = nextMessage(legacy);
    legacy.send('hi');
    expect((await reply).data.toString()).toBe('hi');
    const modernClosed = closed(modern);
    const legacyClosed = closed(legacy);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(await modernClosed).toMatchObject({ code: 1001, wasClean: true });
    expect((await legacyClosed).wasClean).toBe(true);
    const [code] = await exited;
    expect(code).toBe(0);
    const opens = lines.filter((l) => l.event === 'open');
    expect(opens.map((l) => l.draft).sort()).toEqual(['hixie-76', 'rfc6455']);
    expect(lines.some((l) => l.event === 'shutdown')).toBe(true);
    expect(lines.filter((l) => l.event === 'close')).toHaveLength(2);
    await up.close();
  }, 20_000);

  it('exits 1 with a clear message on a bad flag or config', async () => {
    const bad = spawnGateway(['--listen', '127.0.0.1:0', '--upstream', 'http://x']);
    const [code] = await once(bad.child, 'exit');
    expect(code).toBe(1);
    expect(bad.stderr()).toMatch(/upstream/);
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ listen: ':0', upstream: 'ws://x', highWaterMark: 'lots' }));
    const bad2 = spawnGateway(['--config', config]);
    const [code2] = await once(bad2.child, 'exit');
    expect(code2).toBe(1);
    expect(bad2.stderr()).toMatch(/highWaterMark/);
  }, 20_000);
});
