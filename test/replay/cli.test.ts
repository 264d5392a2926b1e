// The replay, record and import-pcap commands end to end: exit codes, summaries, written fixtures.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type PeerServer, startWsServer } from '../../scripts/record-servers.js';
import { run as record } from '../../src/cli/commands/record.js';
import { parseFixture } from '../../src/replay/fixture-parse.js';
import { replayFixture } from '../../src/replay/replay.js';
import { ROOT } from './corpus-files.js';
import { pcapOf } from './pcap-writer.js';

const MAIN = join(ROOT, 'src/cli/main.ts');

function cli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd: ROOT, env, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wscompat-replay-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wscompat replay', () => {
  it('replays the corpus directory and prints the summary', async () => {
    const r = await cli(['replay', 'fixtures/hixie-76']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed\n$/m);
    expect(r.stderr).toContain('[1/');
  });

  it('fails a corrupted copy with a diff and exit status 2', async () => {
    const text = readFileSync(join(ROOT, 'fixtures/rfc6455/spec-hello-v13.trace'), 'utf8');
    // The echoed "Hello" frame from the server: 81 05 48 65 6c 6c 6f -> ... 6e ("Helln"), hex and text alike.
    const bad = text.replace(
      '0000  81 05 48 65 6c 6c 6f                             |..Hello|',
      '0000  81 05 48 65 6c 6c 6e                             |..Helln|',
    );
    expect(bad).not.toBe(text);
    const file = join(dir, 'corrupt.trace');
    writeFileSync(file, bad);
    const r = await cli(['replay', file, join(ROOT, 'fixtures/rfc6455/spec-masked-pong-v13.trace')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`FAIL ${file}`);
    expect(r.stdout).toMatch(/server stream after the head, byte 0x6 \(segment \d+ \+0x6/);
    expect(r.stdout).toContain('1 passed, 1 failed');
  });

  it('reports a malformed trace with file:line', async () => {
    const file = join(dir, 'malformed.trace');
    writeFileSync(file, '# wscompat trace 1\ndraft: rfc6455\nbogus: 1\n');
    const r = await cli(['replay', '--json', file]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { failed: number; results: { differences: { actual: string }[] }[] };
    expect(out.failed).toBe(1);
    expect(out.results[0]!.differences[0]!.actual).toBe(`${file}:3: unknown field bogus`);
  });

  it('--help documents the options; unknown options are usage errors', async () => {
    expect((await cli(['replay', '--help'])).stdout).toContain('--target');
    expect((await cli(['replay', '--nope', 'x'])).code).toBe(1);
  });
});

describe('wscompat record', () => {
  let server: PeerServer;
  beforeAll(async () => {
    server = await startWsServer();
  });
  afterAll(() => server.close());

  it('records a ws client talking to a ws server into a fixture that replays green', async () => {
    const out = join(dir, 'recorded.trace');
    // --listen 0 picks a free port; the command prints it on stderr.
    const original = process.stderr.write.bind(process.stderr);
    let port = 0;
    const listening = new Promise<void>((resolve) => {
      process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        const m = /recording on 127\.0\.0\.1:(\d+)/.exec(String(chunk));
        if (m) {
          port = Number(m[1]);
          resolve();
        }
        return original(chunk, ...rest);
      }) as typeof process.stderr.write;
    });
    const done = record(['--listen', '0', '--upstream', `127.0.0.1:${server.port}`, '--out', out]);
    await listening;
    process.stderr.write = original;
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/rec`, { protocolVersion: 8 });
      ws.on('open', () => ws.send('recorded'));
      ws.on('message', () => ws.close(1000));
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    expect(await done).toBe(0);
    const f = parseFixture(readFileSync(out, 'utf8'), out);
    expect(f.draft).toBe('hybi-10');
    expect(f.expectStatus).toBe(101);
    expect(f.expectEvents.map((e) => e.type)).toEqual(['text', 'close']);
    const r = replayFixture(f);
    expect(r.differences).toEqual([]);
  });
});

describe('wscompat import-pcap', () => {
  it('turns each TCP connection of a capture into a fixture that replays green', async () => {
    const source = parseFixture(readFileSync(join(ROOT, 'fixtures/hixie-76/h76-2.trace'), 'utf8'));
    const pcap = join(dir, 'capture.pcap');
    writeFileSync(pcap, pcapOf(source.segments));
    const outDir = join(dir, 'imported');
    const r = await cli(['import-pcap', pcap, '--out', outDir]);
    expect(r.stderr).toContain('stream 0: wrote');
    expect(r.code).toBe(0);
    const [name] = readdirSync(outDir);
    const f = parseFixture(readFileSync(join(outDir, name!), 'utf8'), name);
    expect(f.draft).toBe('hixie-76');
    expect(f.segments.filter((s) => s.kind === 'data').map((s) => s.dir)).toEqual(
      source.segments.filter((s) => s.kind === 'data').map((s) => s.dir),
    );
    expect(replayFixture(f).differences).toEqual([]);
  });

  it('needs no tshark: reads the capture itself', async () => {
    const source = parseFixture(readFileSync(join(ROOT, 'fixtures/hixie-75/apple-logo.trace'), 'utf8'));
    const pcap = join(dir, 'x.pcap');
    writeFileSync(pcap, pcapOf(source.segments));
    const r = await cli(['import-pcap', pcap, '--out', join(dir, 'none')], {
      ...process.env,
      PATH: '/nonexistent',
    });
    expect(r.stderr).toContain('stream 0: wrote');
    expect(r.code).toBe(0);
  });

  it('a truncated capture is a clear error, exit status 2', async () => {
    const pcap = join(dir, 'cut.pcap');
    writeFileSync(pcap, pcapOf([]).subarray(0, 30));
    const r = await cli(['import-pcap', pcap, '--out', join(dir, 'cut')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${pcap}: the capture is truncated: 6 bytes of an incomplete packet record at byte offset 24`,
    );
  });
});
