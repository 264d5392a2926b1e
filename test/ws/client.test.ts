// wscompat/ws's WebSocket client against the npm `ws` server: ws 8's URLs, options and handshake events.
import { Agent, createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, createServer as createNetServer, connect as netConnect } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer as WsServer } from 'ws';
import WebSocket, { type ClientOptions, createWebSocketStream } from 'wscompat/ws';
import { once } from '../node/helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let peer: WsServer;
let base: string;
const seen: IncomingMessage[] = [];
beforeAll(async () => {
  peer = new WsServer({
    port: 0,
    host: '127.0.0.1',
    handleProtocols: (p) => (p.has('chat') ? 'chat' : false),
  });
  peer.on('connection', (ws, req) => {
    seen.push(req);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await once(peer, 'listening');
  base = `127.0.0.1:${(peer.address() as AddressInfo).port}`;
  return () => new Promise((r) => peer.close(r));
});

function open(url: string, protocolsOrOptions?: string[] | ClientOptions): WebSocket {
  const ws = new WebSocket(url, protocolsOrOptions as ClientOptions);
  ws.on('error', () => {});
  cleanups.push(() => ws.terminate());
  return ws;
}

describe('wscompat/ws client', () => {
  it('takes http: URLs for ws:, speaks RFC 6455 and echoes, with the subprotocol chosen', async () => {
    const ws = open(`http://${base}/x?y=1`, ['chat']);
    expect(ws.url).toBe(`ws://${base}/x?y=1`);
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    await once(ws, 'open');
    expect([ws.protocol, ws.readyState, ws.extensions]).toEqual(['chat', WebSocket.OPEN, '']);
    ws.send('hello');
    const [data, isBinary] = await once<[Buffer, boolean]>(ws, 'message');
    expect([String(data), isBinary]).toEqual(['hello', false]);
    expect(seen.at(-1)?.headers['sec-websocket-version']).toBe('13');
  });

  it('speaks protocolVersion 8 (hybi-08..12) and refuses others with ws’s RangeError', async () => {
    const ws = open(`ws://${base}/`, { protocolVersion: 8, origin: 'http://o.example' });
    await once(ws, 'open');
    expect(seen.at(-1)?.headers['sec-websocket-version']).toBe('8');
    expect(seen.at(-1)?.headers['sec-websocket-origin']).toBe('http://o.example');
    expect(() => new WebSocket(`ws://${base}/`, { protocolVersion: 7 })).toThrow(RangeError);
    expect(() => new WebSocket('ftp://x/')).toThrow(SyntaxError);
    expect(() => new WebSocket(`ws://${base}/#frag`)).toThrow(SyntaxError);
    expect(() => new WebSocket(`ws://${base}/`, ['a', 'a'])).toThrow(SyntaxError);
  });

  it("emits 'upgrade' with the response, and binaryType 'arraybuffer' gives ArrayBuffers", async () => {
    const ws = open(`ws://${base}/`);
    ws.binaryType = 'arraybuffer';
    const [[res]] = await Promise.all([once<[IncomingMessage]>(ws, 'upgrade'), once(ws, 'open')]);
    expect(res.statusCode).toBe(101);
    ws.send(new Uint8Array([7, 8]));
    const [data, isBinary] = await once<[ArrayBuffer, boolean]>(ws, 'message');
    expect([data, isBinary]).toEqual([new Uint8Array([7, 8]).buffer, true]);
  });

  it("reports a refusal as 'unexpected-response', else 'error' then 'close' 1006", async () => {
    const http = createHttpServer((_req, res) => res.writeHead(404).end());
    http.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    http.listen(0, '127.0.0.1');
    cleanups.push(() => new Promise((r) => http.close(r)));
    await once(http, 'listening');
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    const a = open(url);
    const [, res] = await once<[unknown, IncomingMessage]>(a, 'unexpected-response');
    expect(res.statusCode).toBe(404);
    const b = new WebSocket(url);
    const events: unknown[] = [];
    b.on('error', (err) => events.push(err.message));
    b.on('close', (code) => events.push(code));
    await once(b, 'close');
    expect(events).toEqual(['Unexpected server response: 404', 1006]);
  });

  it("follows redirects when asked, emitting 'redirect'", async () => {
    const http = createHttpServer();
    http.on('upgrade', (_req, socket) =>
      socket.end(`HTTP/1.1 302 Found\r\nLocation: ws://${base}/moved\r\nContent-Length: 0\r\n\r\n`),
    );
    http.listen(0, '127.0.0.1');
    cleanups.push(() => new Promise((r) => http.close(r)));
    await once(http, 'listening');
    const ws = open(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/old`, { followRedirects: true });
    const [url] = await once<[string]>(ws, 'redirect');
    expect(url).toBe(`ws://${base}/moved`);
    await once(ws, 'open');
    expect(ws.url).toBe(`ws://${base}/moved`);
    expect(seen.at(-1)?.url).toBe('/moved');
  });

  it('uses the given agent, or createConnection', async () => {
    const agent = new Agent();
    let viaAgent = 0;
    const make = agent.createConnection.bind(agent);
    agent.createConnection = (...args: Parameters<typeof make>) => {
      viaAgent++;
      return make(...args);
    };
    await once(open(`ws://${base}/`, { agent }), 'open');
    let viaFunction = 0;
    const createConnection = ((opts: { host: string; port: number }) => {
      viaFunction++;
      return netConnect(opts.port, opts.host);
    }) as never;
    await once(open(`ws://${base}/`, { createConnection }), 'open');
    expect([viaAgent, viaFunction]).toEqual([1, 1]);
  });

  it('gives up after handshakeTimeout when the server never answers', async () => {
    const silent = createNetServer((socket) => cleanups.push(() => socket.destroy()));
    silent.listen(0, '127.0.0.1');
    cleanups.push(() => new Promise((r) => silent.close(r)));
    await once(silent, 'listening');
    const ws = new WebSocket(`ws://127.0.0.1:${(silent.address() as AddressInfo).port}/`, {
      handshakeTimeout: 50,
    });
    const [[err], [code]] = await Promise.all([once<[Error]>(ws, 'error'), once<[number]>(ws, 'close')]);
    expect([err.message, code]).toEqual(['Opening handshake has timed out', 1006]);
  });

  it('close() while CONNECTING fails the handshake with 1006', async () => {
    const ws = new WebSocket(`ws://${base}/`);
    const events: unknown[] = [];
    ws.on('error', () => events.push('error'));
    ws.on('close', (code) => events.push(code));
    ws.close();
    // As ws: CLOSING at once, 'error' and 'close' on the next tick.
    expect([events, ws.readyState]).toEqual([[], WebSocket.CLOSING]);
    await once(ws, 'close');
    expect([events, ws.readyState]).toEqual([['error', 1006], WebSocket.CLOSED]);
  });

  it('sends fin: false parts as one message, and createWebSocketStream pipes both ways', async () => {
    const ws = open(`ws://${base}/`);
    await once(ws, 'open');
    ws.send('ab', { fin: false });
    ws.send('cd', { fin: true });
    const [data] = await once<[Buffer]>(ws, 'message');
    expect(String(data)).toBe('abcd');
    const duplex = createWebSocketStream(open(`ws://${base}/`));
    duplex.write('through the stream');
    const [chunk] = await once<[Buffer]>(duplex, 'data');
    expect(String(chunk)).toBe('through the stream');
    duplex.destroy();
  });

  it('offers the browser-style API ws has', async () => {
    const ws = open(`ws://${base}/`);
    const events: string[] = [];
    ws.onopen = (e) => {
      events.push(e.type);
      ws.send('x');
    };
    ws.addEventListener('message', (e) => {
      events.push(`${e.type}:${String(e.data)}`);
      ws.close(1000, 'done');
    });
    ws.onclose = (e) => events.push(`${e.type}:${e.code}:${e.reason}:${e.wasClean}`);
    await once(ws, 'close');
    expect(events).toEqual(['open', 'message:x', 'close:1000:done:true']);
    expect(WebSocket.WebSocketServer).toBeTypeOf('function');
    expect(WebSocket.Server).toBe(WebSocket.WebSocketServer);
  });
});
