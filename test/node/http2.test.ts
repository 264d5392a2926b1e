// RFC 8441 over loopback: createServer({ http2: true, tls }) and connect(url, { http2 }), both ours. One TLS
// port serves HTTP/2 extended CONNECT and HTTP/1.1 upgrades of every draft; many WebSockets share one
// HTTP/2 connection; flow control holds a fast sender back; an abort resets one stream, not the session.

import type { IncomingMessage } from 'node:http';
import { type ClientHttp2Session, connect as http2Connect } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { ALL_DRAFTS } from '../../src/core/types.js';
import { connect } from '../../src/node/client.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import { haveOpenssl, makeTestCert, type TestCert } from '../support/tls-cert.js';
import { listening, once } from './helpers.js';

describe.skipIf(!haveOpenssl)('WebSocket over HTTP/2 (RFC 8441)', () => {
  let cert: TestCert;
  let server: WsServer;
  let base: string;
  /** The server's connections with the request they came with. */
  const accepted: { conn: Connection; req: IncomingMessage }[] = [];
  beforeAll(async () => {
    cert = makeTestCert();
    server = createServer(
      {
        port: 0,
        http2: true,
        tls: { cert: cert.cert, key: cert.key },
        handleProtocols: (offered) => offered.find((p) => p === 'echo.v2'),
        verifyClient: ({ req }) => (req.url === '/forbidden' ? { status: 403 } : true),
      },
      (conn, req) => {
        accepted.push({ conn, req });
        conn.on('message', (data: Buffer, isBinary: boolean) => conn.send(data, { binary: isBinary }));
        conn.on('error', () => {});
      },
    );
    base = `wss://localhost:${await listening(server)}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    cert.remove();
  });
  const tls = () => ({ ca: cert.cert });

  async function echo(conn: Connection, data: string | Buffer): Promise<[Buffer, boolean]> {
    const reply = once<[Buffer, boolean]>(conn, 'message');
    conn.send(data);
    return reply;
  }

  it('opens over extended CONNECT, agrees a subprotocol, echoes text and binary, closes cleanly', async () => {
    const conn = connect(`${base}/chat?x=1`, { http2: true, ...tls(), protocols: ['echo.v1', 'echo.v2'] });
    await once(conn, 'open');
    expect(conn.protocol).toBe('echo.v2');
    expect(accepted.at(-1)!.req.httpVersion).toBe('2.0');
    expect(accepted.at(-1)!.conn.url).toBe('/chat?x=1');
    const [text, textIsBinary] = await echo(conn, 'héllo');
    expect([String(text), textIsBinary]).toEqual(['héllo', false]);
    const [bin, binIsBinary] = await echo(conn, Buffer.from([0, 1, 2, 255]));
    expect([bin.toString('hex'), binIsBinary]).toEqual(['000102ff', true]);
    const closed = once<[number, string, boolean]>(conn, 'close');
    const serverSaw = once<[number, string]>(accepted.at(-1)!.conn, 'close');
    conn.close(1000, 'bye');
    expect((await serverSaw).slice(0, 2)).toEqual([1000, 'bye']);
    const [code, , wasClean] = await closed;
    expect([code, wasClean]).toEqual([1000, true]);
  });

  it('serves HTTP/1.1 clients of every draft on the same TLS port (ALPN)', async () => {
    for (const draft of ALL_DRAFTS) {
      const conn = connect(`${base}/h1`, { draft, ...tls() });
      await once(conn, 'open');
      expect(accepted.at(-1)!.req.httpVersion).toBe('1.1');
      expect(String((await echo(conn, `via ${draft}`))[0])).toBe(`via ${draft}`);
      conn.terminate();
    }
  });

  it('carries many WebSockets as streams of one HTTP/2 connection', async () => {
    const session: ClientHttp2Session = http2Connect(base.replace('wss', 'https'), tls());
    const before = accepted.length;
    const conns = Array.from({ length: 25 }, () => connect(`${base}/many`, { http2: session }));
    await Promise.all(conns.map((c) => once(c, 'open')));
    const replies = await Promise.all(conns.map((c, i) => echo(c, `n${i}`)));
    expect(replies.map(([d]) => String(d))).toEqual(conns.map((_, i) => `n${i}`));
    // One client port on the server side: one TCP connection.
    const ports = new Set(accepted.slice(before).map(({ req }) => req.socket.remotePort));
    expect(ports.size).toBe(1);
    expect(accepted.length - before).toBe(25);
    await Promise.all(
      conns.map((c) => {
        const closed = once(c, 'close');
        c.close();
        return closed;
      }),
    );
    session.close();
  });

  it('HTTP/2 flow control is the backpressure: a paused server holds the sender back', async () => {
    const conn = connect(`${base}/slow`, { http2: true, ...tls() });
    await once(conn, 'open');
    const serverSide = accepted.at(-1)!.conn;
    serverSide.pause();
    const chunk = Buffer.alloc(64 * 1024, 7);
    for (let i = 0; i < 32; i++) conn.send(chunk);
    await new Promise((r) => setTimeout(r, 200));
    // 2 MiB sent into a 64 KiB stream window (plus what the paused stream buffered): most is still ours.
    expect(conn.bufferedAmount).toBeGreaterThan(1024 * 1024);
    let got = 0;
    serverSide.removeAllListeners('message');
    serverSide.on('message', (d: Buffer) => {
      got += d.length;
    });
    serverSide.resume();
    for (let i = 0; i < 200 && got < 32 * chunk.length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(got).toBe(32 * chunk.length);
    conn.terminate();
  });

  it('terminate() resets its stream only; the shared session keeps serving', async () => {
    const session = http2Connect(base.replace('wss', 'https'), tls());
    const a = connect(`${base}/a`, { http2: session });
    const b = connect(`${base}/b`, { http2: session });
    await Promise.all([once(a, 'open'), once(b, 'open')]);
    const serverA = accepted.find(({ req }) => req.url === '/a')!.conn;
    const serverClosed = once<[number]>(serverA, 'close');
    a.terminate();
    expect((await serverClosed)[0]).toBe(1006);
    expect(String((await echo(b, 'still'))[0])).toBe('still');
    expect(session.closed || session.destroyed).toBe(false);
    b.close();
    await once(b, 'close');
    session.close();
  });

  it('refusals arrive as HTTP/2 statuses: verifyClient 403; a server without RFC 8441 is reported', async () => {
    const refused = connect(`${base}/forbidden`, { http2: true, ...tls() });
    const [err] = await once<[{ status?: number }]>(refused, 'error');
    expect(err.status).toBe(403);
    const plain = createServer({ port: 0, tls: { cert: cert.cert, key: cert.key } });
    const port = await listening(plain);
    // An HTTPS/1.1-only server: ALPN settles on nothing h2 can use, the session fails.
    const noH2 = connect(`wss://localhost:${port}/`, { http2: true, ...tls() });
    const [err2] = await once<[Error]>(noH2, 'error');
    expect(err2.message).toBeTruthy();
    await new Promise<void>((r) => plain.close(() => r()));
    expect(() => connect('ws://localhost:1/', { http2: true })).toThrow(/wss:/);
  });
});
