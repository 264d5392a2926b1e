// Interop: our client against the npm `ws` server (rfc6455, hybi-10) and against our own server (every draft).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { Connection } from '../../src/connection/connection.js';
import type { DraftId } from '../../src/core/types.js';
import { connect } from '../../src/node/client.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import { closeServer, listening, once } from '../node/helpers.js';

function open(url: string, draft: DraftId, protocols: string[] = []): Promise<Connection> {
  const conn = connect(url, { draft, protocols });
  return new Promise((resolve, reject) => {
    conn.once('open', () => resolve(conn));
    conn.once('error', reject);
  });
}

async function echoOf(conn: Connection, data: string | Buffer): Promise<[string, boolean]> {
  const reply = once<[Buffer, boolean]>(conn, 'message');
  conn.send(data);
  const [got, isBinary] = await reply;
  return [isBinary ? got.toString('hex') : String(got), isBinary];
}

describe('our client against the ws server', () => {
  let wss: WebSocketServer;
  let port: number;
  const versions: string[] = [];
  beforeAll(async () => {
    wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (set) => (set.has('b') ? 'b' : false),
    });
    wss.on('connection', (ws, req) => {
      versions.push(String(req.headers['sec-websocket-version']));
      ws.on('message', (data, isBinary) => {
        if (String(data) === 'close-me') ws.close(4005, 'from ws');
        else ws.send(data, { binary: isBinary });
      });
      // Pushed before any client message: frames right behind the 101 must not be lost.
      ws.send('welcome');
    });
    await once(wss, 'listening');
    port = (wss.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((r) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => r());
      }),
  );

  it.each(['rfc6455', 'hybi-10'] as const)(
    '%s: open, welcome, echo text and binary, ping, close',
    async (draft) => {
      // Listening from connect() on, without awaiting 'open' first.
      const first = connect(`ws://127.0.0.1:${port}/`, { draft });
      const [welcome] = await once<[Buffer]>(first, 'message');
      expect(String(welcome)).toBe('welcome');
      first.terminate();
      const conn = await open(`ws://127.0.0.1:${port}/`, draft, ['a', 'b']);
      expect(conn.protocol).toBe('b');
      await once(conn, 'message');
      expect(await echoOf(conn, 'text ✓')).toEqual(['text ✓', false]);
      expect(await echoOf(conn, Buffer.from([0xde, 0xad]))).toEqual(['dead', true]);
      const pong = once<[Buffer]>(conn, 'pong');
      conn.ping('x');
      expect(String((await pong)[0])).toBe('x');
      const closed = once<[number, string, boolean]>(conn, 'close');
      conn.close(1000, 'done');
      expect(await closed).toEqual([1000, 'done', true]);
      expect(versions.at(-1)).toBe(draft === 'rfc6455' ? '13' : '8');
    },
  );

  it('a close started by the ws server is reported with its code and reason', async () => {
    const conn = await open(`ws://127.0.0.1:${port}/`, 'rfc6455');
    await once(conn, 'message');
    const closed = once<[number, string, boolean]>(conn, 'close');
    conn.send('close-me');
    expect(await closed).toEqual([4005, 'from ws', true]);
  });

  it('hybi-07 and hixie clients are refused by ws (it speaks 8 and 13 only)', async () => {
    await expect(open(`ws://127.0.0.1:${port}/`, 'hybi-07')).rejects.toMatchObject({ status: 400 });
  });
});

describe('our clients against our server', () => {
  let server: WsServer;
  let port: number;
  beforeAll(async () => {
    server = createServer({ port: 0 }, (conn) => {
      conn.on('message', (data: Buffer, isBinary: boolean) => {
        if (String(data) === 'close-me') conn.close();
        else conn.send(data, { binary: isBinary });
      });
    });
    port = await listening(server);
  });
  afterAll(() => closeServer(server));

  it.each(['hybi-07', 'hixie-76', 'hixie-75'] as const)(
    '%s: echo and a clean close both ways',
    async (draft) => {
      const conn = await open(`ws://127.0.0.1:${port}/p?q=1`, draft);
      expect(conn.draft).toBe(draft);
      expect(await echoOf(conn, 'hello ☃')).toEqual(['hello ☃', false]);
      if (draft === 'hybi-07') expect(await echoOf(conn, Buffer.from([7]))).toEqual(['07', true]);
      const [server1] = [...server.clients];
      const serverClosed = once<[number, string, boolean]>(server1!, 'close');
      const closed = once<[number, string, boolean]>(conn, 'close');
      conn.close(1000);
      const expected = draft === 'hybi-07' ? [1000, '', true] : [1005, '', true];
      expect(await closed).toEqual(expected);
      expect(await serverClosed).toEqual(expected);
      // And the server closing first.
      const again = await open(`ws://127.0.0.1:${port}/`, draft);
      const closedAgain = once<[number, string, boolean]>(again, 'close');
      again.send('close-me');
      expect(await closedAgain).toEqual(draft === 'hybi-07' ? [1005, '', true] : [1005, '', true]);
    },
  );
});
