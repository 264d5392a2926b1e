// Four real-world ws programs (test/ws/programs/*.mjs: ws README code and an Express app, with only the
// import changed to wscompat/ws) run with an npm `ws` client and a hixie-76 client over loopback.
import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import WsClient from 'ws';
import type { Connection } from '../../src/connection/connection.js';
import { connect, HandshakeError } from '../../src/node/client.js';
import { once } from '../node/helpers.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function portOf(server: EventEmitter & { address(): AddressInfo | string | null }) {
  if (server.address() === null) await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function closeHttp(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The npm `ws` client: resolves once open, with the messages it received (as strings). */
async function wsPeer(url: string): Promise<{ ws: WsClient; got: string[] }> {
  const ws = new WsClient(url);
  cleanups.push(() => ws.terminate());
  const got: string[] = [];
  ws.on('message', (data) => got.push(String(data)));
  await once(ws, 'open');
  return { ws, got };
}

/** A hixie-76 client (wscompat's own, as a 2010 browser sent it). */
async function hixiePeer(url: string): Promise<{ conn: Connection; got: string[] }> {
  const conn = connect(url, { draft: 'hixie-76' });
  cleanups.push(() => conn.terminate());
  const got: string[] = [];
  conn.on('message', (data) => got.push(String(data)));
  await once(conn, 'open');
  return { conn, got };
}

async function until(fn: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !fn(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(fn()).toBe(true);
}

describe('"Multiple servers sharing a single HTTP/S server"', async () => {
  const { server } = await import('./programs/shared-server.mjs');
  cleanups.push(() => closeHttp(server));
  const base = `ws://127.0.0.1:${await portOf(server)}`;

  it('routes a ws client and a hixie-76 client by path', async () => {
    const a = await wsPeer(`${base}/foo`);
    const b = await hixiePeer(`${base}/bar`);
    const c = await hixiePeer(`${base}/foo`);
    await until(() => a.got.length === 1 && b.got.length === 1 && c.got.length === 1);
    expect([a.got, b.got, c.got]).toEqual([['foo'], ['bar'], ['foo']]);
  });

  it('drops other paths, for either client', async () => {
    const ws = new WsClient(`${base}/baz`);
    const [err] = await once<[Error]>(ws, 'error');
    expect(err.message).toMatch(/socket hang up|ECONNRESET/);
    const conn = connect(`${base}/baz`, { draft: 'hixie-76' });
    const [herr] = await once<[Error]>(conn, 'error');
    expect(herr).toBeInstanceOf(HandshakeError);
  });
});

describe('"Client authentication" with verifyClient(info, cb)', async () => {
  const { server } = await import('./programs/client-auth.mjs');
  cleanups.push(() => closeHttp(server));
  const base = `ws://127.0.0.1:${await portOf(server)}`;

  it('lets both clients in with a good token, and knows who they are', async () => {
    const a = await wsPeer(`${base}/?token=secret`);
    const b = await hixiePeer(`${base}/?token=secret`);
    a.ws.send('hi');
    b.conn.send('hello');
    await until(() => a.got.length === 1 && b.got.length === 1);
    expect(a.got).toEqual(['Received message hi from user user-secret']);
    expect(b.got).toEqual(['Received message hello from user user-secret']);
  });

  it("refuses both without one, with the callback's 401", async () => {
    const ws = new WsClient(`${base}/?token=wrong`);
    const [, res] = await once<[unknown, { statusCode: number }]>(ws, 'unexpected-response');
    expect(res.statusCode).toBe(401);
    ws.on('error', () => {});
    ws.terminate();
    const conn = connect(`${base}/`, { draft: 'hixie-76' });
    const [err] = await once<[HandshakeError]>(conn, 'error');
    expect(err.status).toBe(401);
  });
});

describe('"Server broadcast"', async () => {
  const { wss } = await import('./programs/broadcast.mjs');
  cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  const url = `ws://127.0.0.1:${await portOf(wss)}/`;

  it('reaches the ws client and the hixie-76 client, whoever sends', async () => {
    const a = await wsPeer(url);
    const b = await hixiePeer(url);
    await until(() => wss.clients.size === 2);
    a.ws.send('from ws');
    await until(() => a.got.length === 1 && b.got.length === 1);
    b.conn.send('from hixie');
    await until(() => a.got.length === 2 && b.got.length === 2);
    expect(a.got).toEqual(['from ws', 'from hixie']);
    expect(b.got).toEqual(['from ws', 'from hixie']);
    b.conn.close();
    await until(() => wss.clients.size === 1);
  });
});

describe('An Express app with a WebSocket endpoint', async () => {
  const { server } = await import('./programs/express-app.mjs');
  cleanups.push(() => closeHttp(server));
  const port = await portOf(server);

  it('serves HTTP routes and WebSockets from either client on one server', async () => {
    const a = await wsPeer(`ws://127.0.0.1:${port}/chat`);
    const b = await hixiePeer(`ws://127.0.0.1:${port}/chat`);
    a.ws.send('one');
    b.conn.send('two');
    await until(() => a.got.length === 2 && b.got.length === 2);
    expect(JSON.parse(a.got[1] ?? '')).toEqual({ echo: 'one', path: '/chat' });
    expect(JSON.parse(b.got[1] ?? '')).toEqual({ echo: 'two', path: '/chat' });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ result: 'OK', clients: 2 });
  });

  it('answers 400 on another path, as ws', async () => {
    const ws = new WsClient(`ws://127.0.0.1:${port}/elsewhere`);
    const [, res] = await once<[unknown, { statusCode: number }]>(ws, 'unexpected-response');
    expect(res.statusCode).toBe(400);
    ws.on('error', () => {});
    ws.terminate();
  });
});
