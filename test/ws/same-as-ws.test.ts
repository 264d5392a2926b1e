// The same server code on npm `ws` and on wscompat/ws, driven by the same npm `ws` client script: what
// both sides observe (events, their arguments, readyState, callbacks) must match.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WsClient, { WebSocketServer as RealServer } from 'ws';
import { WebSocketServer as CompatServer } from 'wscompat/ws';
import { once, until } from '../node/helpers.js';
import { show } from './observed.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** What this test uses of either library's server-side socket. */
interface SocketLike {
  readyState: number;
  protocol: string;
  extensions: string;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  send(data: unknown, cb?: (err?: Error) => void): void;
  ping(data?: unknown, mask?: boolean, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
}

/** Raw bytes from the npm client's socket, as a broken peer would send them. */
function raw(ws: WsClient, bytes: number[], end = false): void {
  const socket = (ws as unknown as { _socket: { write(b: Buffer): void; end(): void } })._socket;
  socket.write(Buffer.from(bytes));
  if (end) socket.end();
}

interface Script {
  readonly server?: (ws: SocketLike, log: (...e: unknown[]) => void) => void;
  readonly client: (ws: WsClient, log: (...e: unknown[]) => void) => void;
  readonly options?: Record<string, unknown>;
  readonly protocols?: string[];
}

async function run(
  impl: 'ws' | 'wscompat',
  script: Script,
): Promise<{ server: unknown[]; client: unknown[] }> {
  const server: unknown[] = [];
  const client: unknown[] = [];
  const slog = (...e: unknown[]) => server.push(e.map(show));
  const clog = (...e: unknown[]) => client.push(e.map(show));
  const options = { port: 0, host: '127.0.0.1', ...script.options };
  const onSocket = (ws: SocketLike) => {
    slog('connection', ws.readyState, ws.protocol, ws.extensions);
    for (const event of ['message', 'ping', 'pong', 'close', 'error'])
      ws.on(event, (...args: unknown[]) =>
        slog(
          event,
          ...args.slice(0, 2).map((a) => (typeof a === 'boolean' || typeof a === 'number' ? a : show(a))),
        ),
      );
    script.server?.(ws, slog);
  };
  const wss =
    impl === 'ws'
      ? new RealServer(options).on('connection', onSocket)
      : new CompatServer(options).on('connection', onSocket);
  cleanups.push(() => new Promise((r) => wss.close(() => r(undefined))));
  await once(wss, 'listening');
  const ws = new WsClient(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, script.protocols);
  cleanups.push(() => ws.terminate());
  for (const event of ['open', 'message', 'ping', 'pong', 'close', 'error'])
    ws.on(event, (...args: unknown[]) => clog(event, ...args.slice(0, 2).map(show)));
  script.client(ws, clog);
  await until(
    () =>
      client.some((e) => (e as unknown[])[0] === 'close') &&
      server.some((e) => (e as unknown[])[0] === 'close'),
  );
  return { server, client };
}

async function same(script: Script): Promise<void> {
  const real = await run('ws', script);
  const compat = await run('wscompat', script);
  expect(compat).toEqual(real);
}

describe('wscompat/ws observes what ws observes', () => {
  it('messages, pings with payloads, and a close with code and reason from the client', () =>
    same({
      client: (ws) =>
        ws.on('open', () => {
          ws.send('a');
          ws.send(Buffer.from([1]));
          ws.ping('p1');
          ws.close(4000, 'bye');
        }),
    }));

  it('the server pings, sends and closes; send callbacks after close get an error', () =>
    same({
      server: (ws, log) => {
        ws.ping(Buffer.from('x'), false, (err) => log('ping cb', err ?? null));
        ws.send('hello', (err) => log('send cb', err ?? null));
        ws.close(1001, 'going');
        ws.send('late', (err) => log('late cb', err ?? null));
        log('state', ws.readyState);
      },
      client: () => {},
    }));

  it('invalid UTF-8 from the client closes with 1007', () =>
    same({
      client: (ws) =>
        ws.on('open', () => {
          ws.send(Buffer.from([0xff, 0xfe]), { binary: false });
        }),
    }));

  it('a message over maxPayload closes with 1009', () =>
    same({
      options: { maxPayload: 10 },
      client: (ws) => ws.on('open', () => ws.send('0123456789ab')),
    }));

  // Masked frames with the key 0 0 0 0, so the payload bytes are as written.
  it.each([
    ['a reserved opcode', [0x83, 0x80, 0, 0, 0, 0]],
    ['RSV1 without an extension', [0xc2, 0x80, 0, 0, 0, 0]],
    ['RSV2', [0xa2, 0x80, 0, 0, 0, 0]],
    ['an unmasked frame', [0x82, 0x00]],
    ['a fragmented ping', [0x09, 0x80, 0, 0, 0, 0]],
    ['a 126-byte ping', [0x89, 0xfe, 0, 126, 0, 0, 0, 0, ...new Array(126).fill(0)]],
    ['a continuation with no message', [0x80, 0x80, 0, 0, 0, 0]],
    ['a close body of one byte', [0x88, 0x81, 0, 0, 0, 0, 3]],
    ['close code 1005 on the wire', [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xed]],
    ['a frame cut short by the end of the stream', [0x82, 0x85, 0, 0, 0, 0, 1, 2]],
  ])('%s', (_name, bytes) => same({ client: (ws) => ws.on('open', () => raw(ws, bytes, true)) }));

  it('a 64-bit length with its top bit set: ws’s error, but closed with 1002 (RFC 6455 §5.2), not 1009', async () => {
    const script: Script = {
      client: (ws) => ws.on('open', () => raw(ws, [0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], true)),
    };
    const real = await run('ws', script);
    const compat = await run('wscompat', script);
    expect(compat.server).toEqual(real.server);
    const closeOf = (events: unknown[]) => events.find((e) => (e as unknown[])[0] === 'close');
    expect([closeOf(real.client), closeOf(compat.client)]).toEqual([
      ['close', 1009, 'buf:'],
      ['close', 1002, 'buf:'],
    ]);
  });

  it('a non-minimal 16-bit length: ws takes the message, wscompat closes with 1002 (RFC 6455 §5.2)', async () => {
    const script: Script = {
      client: (ws) =>
        ws.on('open', () => raw(ws, [0x82, 0xfe, 0, 3, 0, 0, 0, 0, 1, 2, 3, 0x88, 0x80, 0, 0, 0, 0])),
    };
    const real = await run('ws', script);
    const compat = await run('wscompat', script);
    const kinds = (events: unknown[]) => events.map((e) => (e as unknown[]).slice(0, 2));
    expect(kinds(real.server).slice(1, 3)).toEqual([
      ['message', 'buf:010203'],
      ['close', 1005],
    ]);
    expect(kinds(compat.server).slice(1, 3)).toEqual([
      ['error', 'Error:undefined:16-bit length below 126'],
      ['close', 1006],
    ]);
  });

  it('a subprotocol chosen by handleProtocols', () =>
    same({
      options: { handleProtocols: (set: Set<string>) => [...set].at(-1) },
      protocols: ['one', 'two'],
      client: (ws, log) =>
        ws.on('open', () => {
          log('protocol', ws.protocol);
          ws.close();
        }),
    }));

  it('close without a code, and terminate from the server', async () => {
    await same({ client: (ws) => ws.on('open', () => ws.close()) });
    await same({
      server: (ws) => (ws as unknown as { terminate(): void }).terminate(),
      client: () => {},
    });
  });
});
