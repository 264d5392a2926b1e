// Runtime failures of every command: one line on stderr, no stack, and the documented exit code
// (README "Exit codes"): 1 usage, 2 answered "no", 4 could not reach, 5 refused, 6 local resource.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, isOneLine, MAIN, ROOT, runCli } from './run-cli.js';

let dir: string;
let busy: Server;
let busyPort: number;
/** A port nothing listens on: bound once, then closed. */
let closedPort: number;

function listen(server: { listen(port: number, host: string, cb: () => void): unknown; address(): unknown }) {
  return new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wscompat-cli-errors-'));
  // Answers every request, WebSocket or not, with 400: a server that is there and refuses.
  busy = createHttpServer((_req, res) => res.writeHead(400).end());
  busy.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
  busyPort = await listen(busy);
  const probe = createNetServer();
  closedPort = await listen(probe);
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  await new Promise((r) => busy.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function expectFailure(r: CliRun, code: number, message: RegExp): void {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code, stderr: expect.stringMatching(message) });
  expect(isOneLine(r.stderr)).toBe(true);
}

describe('wscompat (top level)', () => {
  it('--version prints the package version; an unknown option is a usage error', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const [v, short, bad, unknown] = await Promise.all([
      runCli(['--version']),
      runCli(['-V']),
      runCli(['--bogus']),
      runCli(['nope']),
    ]);
    expect([v.code, v.stdout, short.stdout]).toEqual([0, `${version}\n`, `${version}\n`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^wscompat: unknown option '--bogus'\n/);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command 'nope'/);
  });
});

describe('serve and gateway: cannot listen (6)', () => {
  it('a port in use, an address not on this machine, a host that does not resolve, a missing TLS file', async () => {
    const [inUse, notHere, noName, noCert, gatewayInUse] = await Promise.all([
      runCli(['serve', '--port', String(busyPort)]),
      runCli(['serve', '--port', '0', '--host', '192.0.2.1']),
      runCli(['serve', '--port', '0', '--host', 'no-such-host.invalid']),
      runCli(['serve', '--port', '0', '--tls-cert', join(dir, 'none.pem'), '--tls-key', join(dir, 'k.pem')]),
      runCli(['gateway', '--listen', `127.0.0.1:${busyPort}`, '--upstream', 'ws://127.0.0.1:1/', '--quiet']),
    ]);
    expectFailure(
      inUse,
      6,
      /^wscompat serve: cannot listen on 127\.0\.0\.1:\d+: the port is already in use\n$/,
    );
    expectFailure(notHere, 6, /cannot listen on 192\.0\.2\.1:0: that address is not one of this machine/);
    expectFailure(noName, 6, /cannot listen on no-such-host\.invalid:0: the host name does not resolve/);
    expectFailure(noCert, 6, /cannot read --tls-cert .*none\.pem: no such file or directory/);
    expectFailure(
      gatewayInUse,
      6,
      /^wscompat gateway: cannot listen on 127\.0\.0\.1:\d+: the port is already in use/,
    );
  });

  it('a PORT in the environment that is not a port is a usage error', async () => {
    const r = await runCli(['serve'], { ...process.env, PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^wscompat serve: PORT \(environment\) must be a port number/);
  });
});

describe('probe: refused (5), could not reach (4), answered no (2)', () => {
  it('tells the three apart', async () => {
    const [refused, unknownHost, answeredNo, badUrl] = await Promise.all([
      runCli(['probe', `ws://127.0.0.1:${closedPort}/`]),
      runCli(['probe', 'ws://no-such-host.invalid/']),
      runCli(['probe', `ws://127.0.0.1:${busyPort}/`]),
      runCli(['probe', 'http://127.0.0.1/']),
    ]);
    expectFailure(refused, 5, /^wscompat probe: 127\.0\.0\.1:\d+ refused the connection \(ECONNREFUSED/);
    expectFailure(
      unknownHost,
      4,
      /^wscompat probe: could not reach no-such-host\.invalid: the host name does not resolve/,
    );
    expect(answeredNo.code).toBe(2);
    expect(answeredNo.stdout.match(/refused +HTTP\/1\.1 400/g)).toHaveLength(5);
    expect(badUrl.code).toBe(1);
  });
});

describe('record', () => {
  it('rejects a URL where HOST:PORT is wanted, and an --out that is a directory or in no directory', async () => {
    const [url, isDir, noParent] = await Promise.all([
      runCli(['record', '--listen', '0', '--upstream', 'ws://127.0.0.1:8080/chat', '--out', join(dir, 'a')]),
      runCli(['record', '--listen', '0', '--upstream', '127.0.0.1:8080', '--out', dir]),
      runCli([
        'record',
        '--listen',
        '0',
        '--upstream',
        '127.0.0.1:8080',
        '--out',
        join(dir, 'no', 'x.trace'),
      ]),
    ]);
    expect(url.code).toBe(1);
    expect(url.stderr).toMatch(/--upstream wants HOST:PORT, not a URL \(try --upstream 127\.0\.0\.1:8080\)/);
    expectFailure(isDir, 6, /--out .* is a directory/);
    expectFailure(noParent, 6, /cannot write into .*no: no such file or directory/);
  });

  it('reports an upstream that refuses the connection as ECONNREFUSED (5)', { timeout: 30_000 }, async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'record',
        '--listen',
        '0',
        '--upstream',
        `127.0.0.1:${closedPort}`,
        '--out',
        join(dir, 'r.trace'),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += String(d);
        const m = /recording on 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const client = (await import('node:net')).connect(port, '127.0.0.1');
    client.on('error', () => {});
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await exited).toBe(5);
    client.destroy();
    const lines = stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^wscompat record: upstream 127\\.0\\.0\\.1:${closedPort} refused the connection \\(ECONNREFUSED`,
      ),
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('import-pcap', () => {
  it('an unreadable capture and an --out that is a file fail before tshark runs (6)', async () => {
    const capture = join(dir, 'c.pcap');
    writeFileSync(capture, 'not really a capture');
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    const [missing, outIsFile] = await Promise.all([
      runCli(['import-pcap', join(dir, 'missing.pcap'), '--out', join(dir, 'out')]),
      runCli(['import-pcap', capture, '--out', file]),
    ]);
    expectFailure(
      missing,
      6,
      /^wscompat import-pcap: cannot read .*missing\.pcap: no such file or directory\n$/,
    );
    expectFailure(outIsFile, 6, /--out .*plain-file is a file; give a directory/);
  });
});
