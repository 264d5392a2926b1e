// replay for CI: --reporter junit/tap/json, --output, --concurrency, record --count names, wss:// targets.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { runTraces, traceFiles } from '../../src/replay/run-traces.js';
import { haveOpenssl, makeTestCert } from '../support/tls-cert.js';
import { ROOT } from './corpus-files.js';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'replay', ...args],
      { cwd: ROOT, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wscompat-reports-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay reports', () => {
  it('--reporter junit --output writes JUnit XML and keeps the human summary by draft on stdout', async () => {
    const text = readFileSync(join(ROOT, 'fixtures/rfc6455/spec-hello-v13.trace'), 'utf8');
    const bad = join(dir, 'bad.trace');
    writeFileSync(
      bad,
      text.replace(
        '6c 6c 6f                             |..Hello|',
        '6c 6c 6e                             |..Helln|',
      ),
    );
    const xml = join(dir, 'report.xml');
    const r = await cli([
      'fixtures/hixie-75',
      bad,
      '--reporter',
      'junit',
      '--output',
      xml,
      '--concurrency',
      '3',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`FAIL ${bad} (segments)`);
    expect(r.stdout).toMatch(/^hixie-75 +13 +0 +0$/m);
    expect(r.stdout).toMatch(/^rfc6455 +0 +1 +0$/m);
    expect(r.stdout).toMatch(/^13 passed, 1 failed$/m);
    // Not a terminal: one progress line for the first trace, then at most one a second.
    expect(r.stderr).toMatch(/^\[1\/14 7% ETA \d+s\] /);
    const report = readFileSync(xml, 'utf8');
    expect(report).toMatch(/<testsuites name="wscompat replay" tests="14" failures="1" skipped="0"/);
    expect(report).toContain('<testsuite name="hixie-75" tests="13" failures="0"');
    expect(report).toMatch(/<failure message="server stream after the head, byte 0x6 /);
  });

  it('--reporter tap prints TAP only; bad values are usage errors', async () => {
    const r = await cli(['fixtures/hybi-07', '--reporter', 'tap']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['TAP version 13', '1..14']);
    expect(r.stdout).not.toContain('passed,');
    expect((await cli(['fixtures/hybi-07', '--reporter', 'xml'])).code).toBe(1);
    expect((await cli(['fixtures/hybi-07', '--concurrency', '0'])).code).toBe(1);
  });

  it('a directory finds what record --count writes (FILE-1, FILE-2, ...)', () => {
    const rec = join(dir, 'recorded');
    mkdirSync(rec);
    for (const n of [1, 2, 10])
      copyFileSync(join(ROOT, 'fixtures/rfc6455/spec-hello-v13.trace'), join(rec, `run.trace-${n}`));
    writeFileSync(join(rec, 'notes.txt'), 'not a trace');
    expect(traceFiles([rec]).map((f) => f.slice(rec.length + 1))).toEqual([
      'run.trace-1',
      'run.trace-10',
      'run.trace-2',
    ]);
  });
});

describe.skipIf(!haveOpenssl)('replay against wss://', () => {
  let server: Server;
  let port: number;
  let caFile: string;
  beforeAll(async () => {
    const cert = makeTestCert();
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, cert.cert);
    cert.remove();
    server = createHttpsServer({ cert: cert.cert, key: cert.key });
    const wss = new WebSocketServer({ server, perMessageDeflate: false });
    wss.on('connection', (ws) => {
      ws.on('message', (d, isBinary) => ws.send(d, { binary: isBinary }));
      // Some traces carry faults on purpose (unmasked frames, bad RSV): ws reports them here.
      ws.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('replays ws traces through TLS when the CA is trusted, fails clearly when it is not', async () => {
    const files = traceFiles([join(ROOT, 'fixtures/hybi-10')]);
    const live = { gapMs: 5, idleMs: 120, ca: readFileSync(caFile) };
    const ok = await runTraces(files, { target: `wss://127.0.0.1:${port}/`, live, concurrency: 6 });
    expect(ok.filter((r) => r.status === 'passed')).toHaveLength(18);
    const [untrusted] = await runTraces(files.slice(0, 1), { target: `wss://127.0.0.1:${port}/` });
    expect(untrusted!.status).toBe('failed');
    expect(untrusted!.differences[0]).toMatchObject({
      where: 'connection',
      actual: 'self-signed certificate',
    });
  });

  it('the CLI takes wss:// with --ca', async () => {
    const r = await cli(['fixtures/hybi-10/', '--target', `wss://localhost:${port}`, '--ca', caFile]);
    expect(r.stdout).toMatch(/^18 passed, 0 failed$/m);
    expect(r.code).toBe(0);
  });
});
