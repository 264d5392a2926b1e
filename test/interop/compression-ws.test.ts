// Interop: permessage-deflate with the npm `ws` 8 client and server, several parameter sets, both roles,
// protocol versions 13 and 8. The byte counts prove the wire really carried compressed frames.
import { createServer as createNetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { probe } from '../../src/cli/commands/probe.js';
import type { Connection } from '../../src/connection/connection.js';
import { acceptValue } from '../../src/core/crypto.js';
import { jsonLike } from '../hybi/compression-helpers.js';
import { closeServer, once, openClient, startEchoServer } from '../node/helpers.js';

/** Parameter sets, given to both peers (ws and wscompat name them alike). */
const SETS: Record<string, WebSocket.PerMessageDeflateOptions> = {
  defaults: {},
  'no context takeover': { serverNoContextTakeover: true, clientNoContextTakeover: true },
  'small windows': { serverMaxWindowBits: 10, clientMaxWindowBits: 9 },
  '8-bit windows': { serverMaxWindowBits: 8, clientMaxWindowBits: 8 },
};

const MESSAGES = [jsonLike(64 * 1024, 1), jsonLike(2000, 2), 'short', jsonLike(64 * 1024, 3)];
const RAW_BYTES = MESSAGES.reduce((n, m) => n + m.length, 0);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.each(Object.entries(SETS))('permessage-deflate with ws 8, %s', (_name, params) => {
  it.each([13, 8] as const)(
    'ws client (v%i) -> our server: compressed both ways',
    async (protocolVersion) => {
      const { server, port } = await startEchoServer({ perMessageDeflate: { ...params, threshold: 16 } });
      cleanups.push(() => closeServer(server));
      const conns: Connection[] = [];
      server.on('connection', (c: Connection) => conns.push(c));
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, { protocolVersion, perMessageDeflate: params });
      cleanups.push(() => ws.terminate());
      await once(ws, 'open');
      // ws reports extension names only; our server reports the answer it sent.
      expect(ws.extensions).toBe('permessage-deflate');
      expect(conns[0]!.extensions).toMatch(/^permessage-deflate/);
      const got: string[] = [];
      ws.on('message', (d: Buffer) => got.push(d.toString()));
      for (const m of MESSAGES) ws.send(m);
      const done = once(ws, 'close');
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (got.length === MESSAGES.length) resolve(clearInterval(check));
        }, 5);
      });
      expect(got).toEqual(MESSAGES);
      const socket = (ws as unknown as { _socket: Socket })._socket;
      expect(socket.bytesRead).toBeLessThan(RAW_BYTES / 3);
      ws.close(1000);
      expect((await done)[0]).toBe(1000);
    },
  );

  it('our client -> ws server: compressed both ways', async () => {
    const wss = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      perMessageDeflate: { ...params, threshold: 16 },
    });
    cleanups.push(() => new Promise((r) => wss.close(r)));
    await once(wss, 'listening');
    const serverSockets: Socket[] = [];
    wss.on('connection', (s, req) => {
      serverSockets.push(req.socket);
      s.on('message', (d: Buffer, isBinary: boolean) => s.send(d, { binary: isBinary }));
    });
    const port = (wss.address() as { port: number }).port;
    const conn = await openClient(
      `ws://127.0.0.1:${port}`,
      { perMessageDeflate: { ...params, threshold: 16 } },
      cleanups,
    );
    expect(conn.extensions).toMatch(/^permessage-deflate/);
    const got: string[] = [];
    conn.on('message', (d: Buffer) => got.push(d.toString()));
    for (const m of MESSAGES) conn.send(m);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (got.length === MESSAGES.length) resolve(clearInterval(check));
      }, 5);
    });
    expect(got).toEqual(MESSAGES);
    expect(serverSockets[0]!.bytesRead).toBeLessThan(RAW_BYTES / 3);
    const closed = once(conn, 'close');
    conn.close(1000);
    expect((await closed)[0]).toBe(1000);
  });
});

describe('permessage-deflate edges with ws', () => {
  it.each([
    'permessage-deflate; server_max_window_bits=12',
    'permessage-deflate; client_max_window_bits',
    'permessage-deflate; x=1',
    'x-webkit-deflate-frame',
    'permessage-deflate, permessage-deflate',
  ])('a server answering %j outside our offer fails our client', async (answer) => {
    // A scripted server: ws itself never answers outside an offer (it refuses with 400 instead).
    const server = createNetServer((socket) =>
      socket.once('data', (head: Buffer) => {
        const key = /sec-websocket-key: *(\S+)/i.exec(head.toString())![1]!;
        socket.end(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptValue(key)}\r\nSec-WebSocket-Extensions: ${answer}\r\n\r\n`,
        );
      }),
    );
    cleanups.push(() => new Promise((r) => server.close(r)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const failed = openClient(
      `ws://127.0.0.1:${port}`,
      { perMessageDeflate: { serverMaxWindowBits: 10 } },
      cleanups,
    );
    await expect(failed).rejects.toThrow(/handshake refused/);
  });

  it('send(data, { compress: false }) goes out uncompressed and ws still reads it', async () => {
    const { server, port } = await startEchoServer({ perMessageDeflate: { threshold: 0 } });
    cleanups.push(() => closeServer(server));
    const conns: Connection[] = [];
    server.on('connection', (c: Connection) => conns.push(c));
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: true });
    cleanups.push(() => ws.terminate());
    await once(ws, 'open');
    const socket = (ws as unknown as { _socket: Socket })._socket;
    const text = 'z'.repeat(50_000);
    const before = socket.bytesRead;
    const plain = once<[Buffer]>(ws, 'message');
    conns[0]!.send(text, { compress: false });
    expect(String((await plain)[0])).toBe(text);
    expect(socket.bytesRead - before).toBeGreaterThan(50_000);
    const squeezed = once<[Buffer]>(ws, 'message');
    const mark = socket.bytesRead;
    conns[0]!.send(text);
    expect(String((await squeezed)[0])).toBe(text);
    expect(socket.bytesRead - mark).toBeLessThan(1000);
  });
});

describe('probe reports permessage-deflate acceptance', () => {
  it.each([
    [true, 'permessage-deflate'],
    [false, ''],
  ])('ws server with perMessageDeflate %s', async (enabled, answer) => {
    const wss = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      perMessageDeflate: enabled ? { threshold: 0 } : false,
    });
    cleanups.push(() => new Promise((r) => wss.close(r)));
    await once(wss, 'listening');
    wss.on('connection', (s) =>
      s.on('message', (d: Buffer, isBinary: boolean) => s.send(d, { binary: isBinary })),
    );
    const port = (wss.address() as { port: number }).port;
    const rfc = (await probe(`ws://127.0.0.1:${port}/`, [], 3000)).find((r) => r.draft === 'rfc6455')!;
    expect(rfc).toMatchObject({ accepted: true, echo: true, compression: answer });
  });
});
