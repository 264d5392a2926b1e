// The compression flags of `wscompat serve` and `wscompat gateway`, on the real CLI process: what npm ws
// (permessage-deflate) and our own client (the legacy x-webkit-deflate-frame offer) negotiate with it, the
// flags' parameters on the wire, and a bad value as a one-line usage error (exit 1).
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { connect } from '../../src/node/client.js';
import { listeningPort, spawnGateway } from '../gateway/spawn.js';
import { startServe } from '../replay/serve-process.js';
import { runCli } from './run-cli.js';

/** A usage error: one line saying what is wrong, then only the pointer to --help; no stack. */
function usage(stderr: string): boolean {
  const lines = stderr.trim().split('\n');
  return lines.length <= 2 && (lines[1] ?? 'Run ').startsWith('Run ') && !/\n\s+at /.test(stderr);
}

function firstLine(stderr: string): string {
  expect(usage(stderr)).toBe(true);
  return stderr.split('\n')[0]!;
}

const dir = mkdtempSync(join(tmpdir(), 'wscompat-deflate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A text that deflates to a small fraction of its size (JSON-like, repetitive). */
const TEXT = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: 'user', ok: true })));

interface WsRun {
  readonly extensions: string | undefined;
  readonly echo: string;
  /** Bytes the client read after the 101 head: the echo's size on the wire. */
  readonly wireBytes: number;
}

/** npm ws client with perMessageDeflate: the server's extensions answer, one echo, and its bytes on the wire. */
async function wsEcho(url: string): Promise<WsRun> {
  const ws = new WebSocket(url, { perMessageDeflate: { threshold: 0 } });
  let extensions: string | undefined;
  ws.on('upgrade', (res: IncomingMessage) => {
    extensions = res.headers['sec-websocket-extensions'] as string | undefined;
  });
  await once(ws, 'open');
  const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
  const before = socket.bytesRead;
  ws.send(TEXT);
  const [data] = (await once(ws, 'message')) as [Buffer];
  const wireBytes = socket.bytesRead - before;
  ws.close(1000);
  await once(ws, 'close');
  return { extensions, echo: String(data), wireBytes };
}

/** Our client offering only x-webkit-deflate-frame, as Safari 6-7 and Chrome 16-31 did. */
async function deflateFrameEcho(url: string): Promise<{ extensions: string; echo: string }> {
  const conn = connect(url, { perMessageDeflate: { deflateFrame: true, threshold: 0 } });
  await once(conn, 'open');
  conn.send(TEXT);
  const [data] = (await once(conn, 'message')) as [Buffer];
  const extensions = conn.extensions;
  conn.close(1000);
  await once(conn, 'close');
  return { extensions, echo: String(data) };
}

describe('wscompat serve compression flags (spawned)', () => {
  it('declines every offer by default (the server the trace corpus assumes)', async () => {
    const serve = await startServe(['--quiet']);
    try {
      const r = await wsEcho(`ws://127.0.0.1:${serve.port}/`);
      expect(r.extensions).toBeUndefined();
      expect(r.echo).toBe(TEXT);
      expect(r.wireBytes).toBeGreaterThan(TEXT.length);
    } finally {
      await serve.stop();
    }
  }, 30_000);

  it('--permessage-deflate: ws negotiates it and the echo crosses compressed; deflate-frame is accepted too', async () => {
    const serve = await startServe(['--permessage-deflate', '--deflate-threshold', '16']);
    let log = '';
    serve.child.stdout?.on('data', (d: Buffer) => {
      log += String(d);
    });
    try {
      const url = `ws://127.0.0.1:${serve.port}/`;
      const r = await wsEcho(url);
      expect(r.extensions).toBe('permessage-deflate');
      expect(r.echo).toBe(TEXT);
      expect(r.wireBytes).toBeLessThan(TEXT.length / 4);
      const legacy = await deflateFrameEcho(url);
      expect(legacy).toEqual({ extensions: 'x-webkit-deflate-frame', echo: TEXT });
      await new Promise((r) => setTimeout(r, 100));
      expect(log).toMatch(/connection rfc6455 .* extensions="permessage-deflate"\n/);
      expect(log).toMatch(/connection rfc6455 .* extensions="x-webkit-deflate-frame"\n/);
    } finally {
      await serve.stop();
    }
  }, 30_000);

  it('the tuning flags reach the answer: window bits, no context takeover, no deflate-frame', async () => {
    const serve = await startServe([
      '--quiet',
      '--server-max-window-bits',
      '10',
      '--client-max-window-bits',
      '9',
      '--server-no-context-takeover',
      '--no-deflate-frame',
    ]);
    try {
      const url = `ws://127.0.0.1:${serve.port}/`;
      const r = await wsEcho(url);
      expect(r.extensions).toBe(
        'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9',
      );
      expect(r.echo).toBe(TEXT);
      // deflate-frame declined: the legacy client's offer gets no answer; it opens uncompressed.
      const conn = connect(url, { perMessageDeflate: { deflateFrame: true } });
      await once(conn, 'open');
      expect(conn.extensions).toBe('');
      conn.close();
      await once(conn, 'close');
    } finally {
      await serve.stop();
    }
  }, 30_000);

  it.each([
    [['--server-max-window-bits', '7'], '--server-max-window-bits must be an integer 8-15'],
    [['--deflate-level', 'high'], '--deflate-level must be an integer 0-9'],
    [['--deflate-threshold', '1k'], '--deflate-threshold must be an integer 0-2147483647'],
    [
      ['--permessage-deflate', '--no-permessage-deflate'],
      '--permessage-deflate and --no-permessage-deflate conflict',
    ],
    [
      ['--no-permessage-deflate', '--client-no-context-takeover'],
      '--client-no-context-takeover needs compression',
    ],
  ])('serve %j is a one-line usage error (exit 1)', async (flags, message) => {
    const r = await runCli(['serve', '--port', '0', ...flags]);
    expect(r.code).toBe(1);
    expect(firstLine(r.stderr)).toContain(`wscompat serve: ${message}`);
  });
});

describe('wscompat gateway compression flags (spawned)', () => {
  it('each side negotiates its own: ws and deflate-frame clients in, permessage-deflate to a ws upstream', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
    const upstreamOffers: string[] = [];
    wss.on('connection', (ws, req) => {
      upstreamOffers.push(String(req.headers['sec-websocket-extensions']));
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
    await once(wss, 'listening');
    const config = join(dir, 'gw.json');
    // The file turns both sides on; the flags refine them field by field.
    writeFileSync(
      config,
      JSON.stringify({ perMessageDeflate: { threshold: 16 }, upstreamPerMessageDeflate: true }),
    );
    const { port: up } = wss.address() as AddressInfo;
    const gw2 = spawnGateway([
      '--listen',
      '127.0.0.1:0',
      '--upstream',
      `ws://127.0.0.1:${up}`,
      '--config',
      config,
      '--upstream-client-max-window-bits',
      '11',
    ]);
    try {
      const port = await listeningPort(gw2.lines, gw2.child);
      const url = `ws://127.0.0.1:${port}/`;
      const r = await wsEcho(url);
      expect(r.extensions).toBe('permessage-deflate');
      expect(r.echo).toBe(TEXT);
      expect(r.wireBytes).toBeLessThan(TEXT.length / 4);
      expect(await deflateFrameEcho(url)).toEqual({ extensions: 'x-webkit-deflate-frame', echo: TEXT });
      expect(upstreamOffers).toEqual([
        'permessage-deflate; client_max_window_bits=11',
        'permessage-deflate; client_max_window_bits=11',
      ]);
    } finally {
      gw2.child.kill('SIGTERM');
      await once(gw2.child, 'exit');
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    }
  }, 30_000);

  it('a bad compression flag or config value is a one-line usage error (exit 1)', async () => {
    const base = ['gateway', '--listen', '127.0.0.1:0', '--upstream', 'ws://127.0.0.1:9'];
    const level = await runCli([...base, '--upstream-deflate-level', '12']);
    expect([level.code, usage(level.stderr)]).toEqual([1, true]);
    expect(level.stderr).toContain('--upstream-deflate-level must be an integer 0-9');
    const tcp = await runCli([
      'gateway',
      '--listen',
      '127.0.0.1:0',
      '--upstream',
      'tcp://127.0.0.1:9',
      '--upstream-permessage-deflate',
    ]);
    expect([tcp.code, usage(tcp.stderr)]).toEqual([1, true]);
    expect(tcp.stderr).toContain('needs a ws:// or wss:// upstream');
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ perMessageDeflate: { threshold: 'small' } }));
    const file = await runCli([...base, '--config', config]);
    expect([file.code, usage(file.stderr)]).toEqual([1, true]);
    expect(file.stderr).toMatch(/perMessageDeflate.*threshold/);
    writeFileSync(config, JSON.stringify({ upstreamPerMessageDeflate: 'yes' }));
    const kind = await runCli([...base, '--config', config]);
    expect([kind.code, usage(kind.stderr)]).toEqual([1, true]);
    expect(kind.stderr).toContain("'upstreamPerMessageDeflate'");
  }, 60_000);
});
