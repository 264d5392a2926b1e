// The same client code on npm `ws` and on wscompat/ws, against the same server (npm `ws`, or a raw socket that
// answers the handshake and then sends given bytes): what the client observes must match.
import { createHash } from 'node:crypto';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import RealWebSocket, { WebSocketServer as RealServer } from 'ws';
import CompatWebSocket from 'wscompat/ws';
import { once, until } from '../node/helpers.js';
import { show } from './observed.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** What this test uses of either library's client. */
interface ClientLike {
  readyState: number;
  protocol: string;
  extensions: string;
  binaryType: string;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  send(data: unknown, cb?: (err?: Error) => void): void;
  ping(data?: unknown): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

type Drive = (ws: ClientLike, log: (...e: unknown[]) => void) => void;

/** `last`: the event after which nothing more is expected ('close', or 'unexpected-response' for a refusal). */
async function observe(
  impl: 'ws' | 'wscompat',
  url: string,
  drive: Drive,
  protocols?: string[],
  last = 'close',
): Promise<unknown[]> {
  const seen: unknown[] = [];
  const log = (...e: unknown[]) => seen.push(e.map(show));
  const ws = (
    impl === 'ws' ? new RealWebSocket(url, protocols) : new CompatWebSocket(url, protocols)
  ) as ClientLike;
  cleanups.push(() => ws.terminate());
  log('state', ws.readyState);
  for (const event of ['open', 'message', 'ping', 'pong', 'close', 'error', 'unexpected-response'])
    ws.on(event, (...args: unknown[]) => {
      log(event, ...args.slice(0, 2));
      // A listener for 'unexpected-response' takes over: end it as ws's README does.
      if (event === 'unexpected-response') (args[0] as { destroy(): void }).destroy();
    });
  drive(ws, log);
  await until(() => seen.some((e) => (e as unknown[])[0] === last));
  log('state', ws.readyState);
  return seen;
}

async function same(url: string, drive: Drive, protocols?: string[], last?: string): Promise<unknown[]> {
  const real = await observe('ws', url, drive, protocols, last);
  const compat = await observe('wscompat', url, drive, protocols, last);
  expect(compat).toEqual(real);
  return real;
}

/** An npm `ws` server whose connections run `script`. */
async function wsServer(script: (ws: RealWebSocket) => void, options: object = {}): Promise<string> {
  const wss = new RealServer({ port: 0, host: '127.0.0.1', ...options });
  wss.on('connection', script);
  cleanups.push(() => new Promise((r) => wss.close(() => r(undefined))));
  await once(wss, 'listening');
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

/** A raw server: answers the RFC 6455 handshake (or `status`), then writes `bytes` and ends if asked. */
async function rawServer(bytes: number[], end: boolean, status?: string): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (chunk) => {
      if (head.includes('\r\n\r\n')) return;
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      if (status !== undefined) {
        socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      socket.write(Buffer.from(bytes));
      if (end) socket.end();
    });
  });
  server.listen(0, '127.0.0.1');
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(() => r(undefined)));
  });
  await once(server, 'listening');
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('wscompat/ws as a client observes what ws observes', () => {
  it('an echo, a ping from the server, and a close with code and reason from the client', async () => {
    const url = await wsServer((ws) => {
      ws.ping('hi');
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
    await same(url, (ws) =>
      ws.on('open', () => {
        ws.send('text');
        ws.send(Buffer.from([1, 2]));
        ws.on('message', (data) => {
          if (Buffer.isBuffer(data) && data[0] === 1) ws.close(4001, 'done');
        });
      }),
    );
  });

  it('the server closes with a code and a reason; binaryType arraybuffer and fragments', async () => {
    const url = await wsServer((ws) => {
      ws.send('t');
      ws.send(Buffer.from([9]));
      ws.send(Buffer.from([8]));
      ws.close(4002, 'bye');
    });
    for (const type of ['arraybuffer', 'fragments'])
      await same(url, (ws) => {
        ws.binaryType = type;
        ws.on('message', (data: unknown) => {
          if (data instanceof ArrayBuffer) ws.binaryType = 'nodebuffer';
        });
      });
  });

  it('a subprotocol and no extension when the server declines compression', async () => {
    const url = await wsServer((ws) => ws.close(), { handleProtocols: () => 'b' });
    await same(
      url,
      (ws, log) => ws.on('open', () => log('open state', ws.readyState, ws.protocol, ws.extensions)),
      ['a', 'b'],
    );
  });

  it('send while CONNECTING throws ws’s error; close while CONNECTING', async () => {
    const url = await wsServer(() => {});
    await same(url, (ws, log) => {
      try {
        ws.send('early');
      } catch (err) {
        log('threw', err);
      }
      ws.close();
      log('state after close', ws.readyState);
    });
  });

  it('a refused handshake goes to unexpected-response with the response', async () => {
    const url = await rawServer([], false, '403 Forbidden');
    // As ws: no 'close' follows; the listener owns the request and the socket stays CONNECTING.
    await same(url, () => {}, undefined, 'unexpected-response');
  });

  // Unmasked server frames: the payload is as written.
  it.each([
    ['a masked frame from the server', [0x82, 0x81, 1, 2, 3, 4, 5]],
    ['a reserved opcode', [0x8b, 0x00]],
    ['invalid UTF-8 text', [0x81, 0x02, 0xff, 0xfe]],
    ['a close code that may not be sent', [0x88, 0x02, 0x03, 0xee]],
    ['a fragmented close', [0x08, 0x00]],
    ['a frame cut short by the end of the stream', [0x82, 0x05, 1, 2]],
    ['the end of the stream with no close frame', []],
  ])('%s', async (_name, bytes) => {
    const url = await rawServer(bytes, true);
    await same(
      url,
      (ws, log) =>
        ((ws as unknown as { onerror: unknown }).onerror = (ev: { message: string; error: unknown }) =>
          log('onerror', ev.message, show(ev.error))),
    );
  });

  it('EventTarget-style listeners and on* properties see the same event objects', async () => {
    const url = await wsServer((ws) => {
      ws.send('t');
      ws.send(Buffer.from([7]));
      ws.close(4003, 'r');
    });
    await same(url, (ws, log) => {
      const target = ws as unknown as {
        addEventListener(type: string, fn: (ev: Record<string, unknown>) => void, opts?: object): void;
        onmessage: unknown;
      };
      const fields = (ev: Record<string, unknown>) =>
        ['type', 'data', 'code', 'reason', 'wasClean', 'message'].map((k) => [k, show(ev[k])]);
      for (const type of ['open', 'message', 'close', 'error'])
        target.addEventListener(type, (ev) => log('listener', ...fields(ev)));
      target.addEventListener('message', (ev) => log('once', ev.type), { once: true });
      target.onmessage = (ev: Record<string, unknown>) => log('onmessage', show(ev.data), typeof ev.target);
    });
  });
});
