// connect(): refusals, timeouts, aborts, option checks, and wss:// against our own TLS server.
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/client.js';
import { createServer } from '../../src/node/server.js';
import { makeTestCert, type TestCert } from '../support/tls-cert.js';
import { closeServer, listening, once } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TCP server that answers every connection with `reply` (or nothing). */
async function fakeServer(reply: string | undefined): Promise<number> {
  const sockets: Socket[] = [];
  const server: Server = createNetServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    if (reply !== undefined) socket.once('data', () => socket.write(reply));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as { port: number }).port;
}

function outcome(conn: ReturnType<typeof connect>): Promise<unknown[]> {
  const events: unknown[] = [];
  conn.on('open', () => events.push('open'));
  conn.on('error', (e: Error & { status?: number }) => events.push(['error', e.status]));
  return new Promise((resolve) =>
    conn.on('close', (code: number, _reason: string, clean: boolean) => {
      events.push(['close', code, clean]);
      resolve(events);
    }),
  );
}

describe('connect refusals', () => {
  it('a non-101 answer: error with status, then close 1006', async () => {
    const port = await fakeServer('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    expect(await outcome(connect(`ws://127.0.0.1:${port}/`))).toEqual([
      ['error', 403],
      ['close', 1006, false],
    ]);
  });

  it('a 101 with a wrong accept value is refused (status kept)', async () => {
    const port = await fakeServer(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n',
    );
    expect(await outcome(connect(`ws://127.0.0.1:${port}/`))).toEqual([
      ['error', 101],
      ['close', 1006, false],
    ]);
  });

  it('garbage instead of HTTP', async () => {
    const port = await fakeServer('SSH-2.0-OpenSSH\r\n\r\n');
    expect(await outcome(connect(`ws://127.0.0.1:${port}/`))).toEqual([
      ['error', undefined],
      ['close', 1006, false],
    ]);
  });

  it('a server that never answers: handshakeTimeout', async () => {
    const port = await fakeServer(undefined);
    const started = Date.now();
    expect(await outcome(connect(`ws://127.0.0.1:${port}/`, { handshakeTimeout: 150 }))).toEqual([
      ['error', undefined],
      ['close', 1006, false],
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('a head that never ends is bounded', async () => {
    const port = await fakeServer(`HTTP/1.1 101 OK\r\nX: ${'a'.repeat(40_000)}`);
    expect(await outcome(connect(`ws://127.0.0.1:${port}/`))).toEqual([
      ['error', undefined],
      ['close', 1006, false],
    ]);
  });

  it('connection refused', async () => {
    const port = await fakeServer(undefined);
    await cleanups.pop()?.();
    expect(await outcome(connect(`ws://127.0.0.1:${port}/`))).toEqual([
      ['error', undefined],
      ['close', 1006, false],
    ]);
  });

  it('close() before open aborts: close 1006, never open', async () => {
    const port = await fakeServer(undefined);
    const conn = connect(`ws://127.0.0.1:${port}/`);
    const result = outcome(conn);
    conn.close();
    expect(conn.readyState).toBe(3);
    expect(await result).toEqual([
      ['error', undefined],
      ['close', 1006, false],
    ]);
  });
});

describe('connect arguments', () => {
  it('rejects bad URLs and options synchronously', () => {
    expect(() => connect('http://127.0.0.1/')).toThrowError(SyntaxError);
    expect(() => connect('ws://127.0.0.1/#frag')).toThrowError(SyntaxError);
    expect(() => connect('not a url')).toThrowError(TypeError);
    expect(() => connect('ws://127.0.0.1/', { colour: 1 } as never)).toThrowError(/unknown option 'colour'/);
    expect(() => connect('ws://127.0.0.1/', { draft: 'hybi-13' as never })).toThrowError(/'draft'/);
    expect(() => connect('ws://127.0.0.1/', { protocols: [1] as never })).toThrowError(/'protocols'/);
    expect(() => connect('ws://127.0.0.1/', { handshakeTimeout: 0 })).toThrowError(/'handshakeTimeout'/);
  });
});

describe('wss://', () => {
  let cert: Buffer;
  let key: Buffer;
  let made: TestCert;
  beforeAll(() => {
    made = makeTestCert();
    ({ cert, key } = made);
  });
  afterAll(() => made.remove());

  it('every draft over TLS; hixie Location says wss://', async () => {
    const locations: string[] = [];
    const server = createServer({ port: 0, tls: { cert, key } }, (conn) =>
      conn.on('message', (d: Buffer) => conn.send(d, { binary: false })),
    );
    server.on('headers', (lines: string[]) => locations.push(...lines.filter((l) => /Location/i.test(l))));
    cleanups.push(() => closeServer(server));
    const port = await listening(server);
    for (const draft of ['rfc6455', 'hybi-10', 'hybi-07', 'hixie-76', 'hixie-75'] as const) {
      const conn = connect(`wss://localhost:${port}/secure`, { draft, ca: cert });
      cleanups.push(() => conn.terminate());
      await once(conn, 'open');
      const reply = once<[Buffer]>(conn, 'message');
      conn.send(`tls ${draft}`);
      expect(String((await reply)[0])).toBe(`tls ${draft}`);
    }
    expect(locations).toEqual([
      `Sec-WebSocket-Location: wss://localhost:${port}/secure`,
      `WebSocket-Location: wss://localhost:${port}/secure`,
    ]);
  });

  it('an untrusted certificate is refused unless rejectUnauthorized is false', async () => {
    const server = createServer({ port: 0, tls: { cert, key } });
    cleanups.push(() => closeServer(server));
    const port = await listening(server);
    expect(await outcome(connect(`wss://127.0.0.1:${port}/`))).toEqual([
      ['error', undefined],
      ['close', 1006, false],
    ]);
    const conn = connect(`wss://127.0.0.1:${port}/`, { rejectUnauthorized: false });
    cleanups.push(() => conn.terminate());
    await once(conn, 'open');
    expect(conn.readyState).toBe(1);
  });
});
