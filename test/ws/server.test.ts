// wscompat/ws's WebSocketServer against the npm `ws` client: ws 8's options, events and close() rules.
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WsClient from 'ws';
import { type ServerOptions, WebSocket, WebSocketServer } from 'wscompat/ws';
import { once } from '../node/helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(options: ServerOptions = {}): Promise<{ wss: WebSocketServer; url: string }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  cleanups.push(() => {
    for (const c of wss.clients ?? []) c.terminate();
    return new Promise((r) => wss.close(() => r(undefined)));
  });
  await once(wss, 'listening');
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}` };
}

function client(url: string, protocols?: string[], options?: WsClient.ClientOptions): WsClient {
  const ws = new WsClient(url, protocols, options);
  ws.on('error', () => {});
  cleanups.push(() => ws.terminate());
  return ws;
}

async function refusal(ws: WsClient): Promise<number> {
  const [, res] = await once<[unknown, IncomingMessage]>(ws, 'unexpected-response');
  return res.statusCode ?? 0;
}

describe('WebSocketServer options', () => {
  it('wants exactly one of port, server and noServer, with ws’s message', () => {
    expect(() => new WebSocketServer({})).toThrow(/One and only one of the "port", "server", or "noServer"/);
    expect(() => new WebSocketServer({ port: 0, noServer: true })).toThrow(TypeError);
    expect(() => new WebSocketServer({ noServer: true }).address()).toThrow(/noServer/);
  });

  it('verifyClient(info) false answers 401; info has origin, secure and req', async () => {
    const seen: unknown[] = [];
    const { url } = await start({
      verifyClient: (info) => {
        seen.push(info.origin, info.secure, info.req.url);
        return info.req.url === '/ok';
      },
    });
    expect(await refusal(client(`${url}/no`, [], { origin: 'http://a.example' }))).toBe(401);
    await once(client(`${url}/ok`), 'open');
    expect(seen).toEqual(['http://a.example', false, '/no', undefined, false, '/ok']);
  });

  it('verifyClient(info, cb) refuses with the code given to cb, asynchronously', async () => {
    const { url } = await start({
      verifyClient: (info, cb) => setTimeout(() => cb(info.req.url === '/ok', 403, 'Go away'), 5),
    });
    expect(await refusal(client(`${url}/no`))).toBe(403);
    await once(client(`${url}/ok`), 'open');
  });

  it('handleProtocols gets a Set and its answer is the subprotocol; false means none', async () => {
    const offered: unknown[] = [];
    const { url } = await start({
      handleProtocols: (protocols, req) => {
        offered.push(protocols);
        return req.url === '/none' ? false : 'b';
      },
    });
    const ws = client(url, ['a', 'b']);
    await once(ws, 'open');
    expect(ws.protocol).toBe('b');
    expect(offered[0]).toEqual(new Set(['a', 'b']));
    // ws's client insists on a subprotocol when it offered some: no protocol fails its handshake.
    const none = client(`${url}/none`, ['a']);
    const [err] = await once<[Error]>(none, 'error');
    expect(err.message).toMatch(/no subprotocol/);
  });

  it('without handleProtocols picks the first offered subprotocol, as ws', async () => {
    const { url } = await start();
    const ws = client(url, ['x', 'y']);
    await once(ws, 'open');
    expect(ws.protocol).toBe('x');
  });

  it('tracks clients as wscompat/ws WebSockets, or not at all with clientTracking: false', async () => {
    const { wss, url } = await start();
    const [server] = await Promise.all([
      once<[WebSocket, IncomingMessage]>(wss, 'connection'),
      once(client(url), 'open'),
    ]);
    expect(server[0]).toBeInstanceOf(WebSocket);
    expect([...wss.clients]).toEqual([server[0]]);
    const untracked = await start({ clientTracking: false });
    expect(untracked.wss.clients).toBeUndefined();
  });

  it('answers 400 when the path differs, and asks shouldHandle, which a subclass may override', async () => {
    const { url } = await start({ path: '/here' });
    expect(await refusal(client(`${url}/there`))).toBe(400);
    await once(client(`${url}/here?x=1`), 'open');
    class OnlyEven extends WebSocketServer {
      override shouldHandle(req: IncomingMessage): boolean {
        return (req.url ?? '').length % 2 === 0;
      }
    }
    const wss = new OnlyEven({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => new Promise((r) => wss.close(r)));
    await once(wss, 'listening');
    const base = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    expect(await refusal(client(`${base}/ab`))).toBe(400);
    await once(client(`${base}/abc`), 'open');
  });

  it("lets 'headers' listeners add response headers", async () => {
    const { wss, url } = await start();
    wss.on('headers', (headers, req) => headers.push(`X-Path: ${req.url}`));
    const ws = client(`${url}/p`);
    const [res] = await once<[IncomingMessage]>(ws, 'upgrade');
    expect(res.headers['x-path']).toBe('/p');
  });

  it('delivers messages by binaryType, with isBinary, and close reasons as Buffers', async () => {
    const { wss, url } = await start();
    const ws = client(url);
    const [[server]] = await Promise.all([once<[WebSocket]>(wss, 'connection'), once(ws, 'open')]);
    const got: unknown[] = [];
    server.on('message', (data, isBinary) => got.push([data, isBinary]));
    ws.send('text');
    await once(server, 'message');
    server.binaryType = 'arraybuffer';
    ws.send(Buffer.from([1, 2]));
    await once(server, 'message');
    server.binaryType = 'fragments';
    ws.send(Buffer.from([3]));
    await once(server, 'message');
    expect(got).toEqual([
      [Buffer.from('text'), false],
      [new Uint8Array([1, 2]).buffer, true],
      [[Buffer.from([3])], true],
    ]);
    ws.close(4001, 'bye');
    const [code, reason] = await once<[number, Buffer]>(server, 'close');
    expect([code, Buffer.isBuffer(reason), String(reason)]).toEqual([4001, true, 'bye']);
  });

  it('closes with 1009 above maxPayload', async () => {
    const { url } = await start({ maxPayload: 8 });
    const ws = client(url);
    await once(ws, 'open');
    ws.send('123456789');
    const [code] = await once<[number]>(ws, 'close');
    expect(code).toBe(1009);
  });

  it('close() leaves open connections open (ws 8) and emits close once they are gone (noServer)', async () => {
    const http = createHttpServer();
    const wss = new WebSocketServer({ noServer: true });
    http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.send('hi')));
    http.listen(0, '127.0.0.1');
    cleanups.push(() => new Promise((r) => http.close(r)));
    await once(http, 'listening');
    const ws = client(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
    await once(ws, 'message');
    let closed = false;
    wss.close(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect([closed, ws.readyState]).toEqual([false, WsClient.OPEN]);
    ws.close();
    await once(wss, 'close');
    expect(closed).toBe(true);
  });
});
