// createServer: refusals with the right status, limits, path, verifyClient, handleProtocols, modes, options.
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { connect } from '../../src/node/client.js';
import { createServer } from '../../src/node/server.js';
import type { ServerOptions } from '../../src/node/server-options.js';
import { closeServer, listening, once, openClient, RawClient, startEchoServer, statusOf } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function echoServer(options: Omit<ServerOptions, 'port'> = {}) {
  const started = await startEchoServer(options);
  cleanups.push(() => closeServer(started.server));
  return started;
}

function raw(port: number): RawClient {
  const client = new RawClient(port);
  cleanups.push(() => client.destroy());
  return client;
}

/** Opens a client connection and resolves once it is open (or rejects with the refusal). */
function open(url: string, options: Parameters<typeof connect>[1] = {}): Promise<Connection> {
  return openClient(url, options, cleanups);
}

async function roundTrip(conn: Connection, text: string): Promise<string> {
  const reply = once<[Buffer]>(conn, 'message');
  conn.send(text);
  return String((await reply)[0]);
}

const rfc6455Head = (path = '/', extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

describe('refused handshakes', () => {
  it('answer with the right status, emit rejected, and do not disturb an open connection', async () => {
    const { server, port } = await echoServer();
    const rejected: number[] = [];
    server.on('rejected', (status: number) => rejected.push(status));
    const good = await open(`ws://127.0.0.1:${port}/`);
    const cases: [string, number][] = [
      [rfc6455Head('/').replace('dGhlIHNhbXBsZSBub25jZQ==', 'short'), 400],
      [rfc6455Head('/').replace('Version: 13', 'Version: 99'), 426],
      [
        'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key1: 1 2\r\n\r\n',
        400,
      ],
    ];
    for (const [request, status] of cases) {
      const bad = raw(port);
      bad.write(request);
      const head = await bad.head();
      expect(statusOf(head)).toBe(status);
      await bad.closed;
      expect(await roundTrip(good, `still here after ${status}`)).toBe(`still here after ${status}`);
    }
    const unsupported = raw(port);
    unsupported.write(rfc6455Head('/').replace('Version: 13', 'Version: 99'));
    expect(await unsupported.head()).toMatch(/\r\nSec-WebSocket-Version: 13, 8, 7\r\n/);
    expect(rejected).toEqual([400, 426, 400, 426]);
  });

  it('a plain HTTP request gets 426 by default', async () => {
    const { port } = await echoServer({ drafts: ['rfc6455', 'hybi-10'] });
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(426);
    expect(res.headers.get('upgrade')).toBe('websocket');
    expect(res.headers.get('sec-websocket-version')).toBe('13, 8');
    await res.text();
  });

  it('httpHandler serves plain requests', async () => {
    const { port } = await echoServer({ httpHandler: (_req, res) => res.end('plain') });
    const res = await fetch(`http://127.0.0.1:${port}/x`);
    expect(await res.text()).toBe('plain');
  });
});

describe('limits and choices', () => {
  it('maxConnections: 503 beyond the limit, a slot frees on close', async () => {
    const { server, port } = await echoServer({ maxConnections: 1 });
    const first = await open(`ws://127.0.0.1:${port}/`);
    const refused = connect(`ws://127.0.0.1:${port}/`);
    const error = once<[Error & { status?: number }]>(refused, 'error');
    const close = once<[number]>(refused, 'close');
    expect((await error)[0].status).toBe(503);
    expect((await close)[0]).toBe(1006);
    first.close();
    await once(first, 'close');
    expect(server.clients.size).toBe(0);
    const again = await open(`ws://127.0.0.1:${port}/`);
    expect(await roundTrip(again, 'x')).toBe('x');
  });

  it('path: exact match on the path, query ignored; others refused', async () => {
    const { port } = await echoServer({ path: '/ws' });
    const ok = await open(`ws://127.0.0.1:${port}/ws?token=1`);
    expect(ok.readyState).toBe(1);
    await expect(open(`ws://127.0.0.1:${port}/other`)).rejects.toMatchObject({ status: 404 });
  });

  it('verifyClient: sync false -> 403, custom status, async true with draft and origin', async () => {
    const seen: unknown[] = [];
    const { port } = await echoServer({
      verifyClient: async (info) => {
        seen.push([info.draft, info.origin, info.secure]);
        await new Promise((r) => setTimeout(r, 10));
        if (info.req.url === '/deny') return false;
        if (info.req.url === '/teapot') return { status: 401, reason: 'who are you' };
        return true;
      },
    });
    await expect(open(`ws://127.0.0.1:${port}/deny`)).rejects.toMatchObject({ status: 403 });
    await expect(open(`ws://127.0.0.1:${port}/teapot`)).rejects.toMatchObject({ status: 401 });
    const conn = await open(`ws://127.0.0.1:${port}/ok`, { draft: 'hixie-76', origin: 'http://o.example' });
    expect(await roundTrip(conn, 'hi')).toBe('hi');
    expect(seen).toEqual([
      ['rfc6455', undefined, false],
      ['rfc6455', undefined, false],
      ['hixie-76', 'http://o.example', false],
    ]);
  });

  it('verifyClient throwing gives 500', async () => {
    const { port } = await echoServer({
      verifyClient: () => {
        throw new Error('boom');
      },
    });
    await expect(open(`ws://127.0.0.1:${port}/`)).rejects.toMatchObject({ status: 500 });
  });

  it('handleProtocols picks among the offered subprotocols, on every draft that has them', async () => {
    const offers: string[][] = [];
    const { port } = await echoServer({
      handleProtocols: (offered) => {
        offers.push(offered);
        return offered.includes('b') ? 'b' : undefined;
      },
    });
    for (const draft of ['rfc6455', 'hybi-10', 'hybi-07'] as const) {
      const conn = await open(`ws://127.0.0.1:${port}/`, { draft, protocols: ['a', 'b'] });
      expect([draft, conn.protocol]).toEqual([draft, 'b']);
    }
    const none = await open(`ws://127.0.0.1:${port}/`, { protocols: ['c'] });
    expect(none.protocol).toBe('');
    expect(offers).toEqual([['a', 'b'], ['a', 'b'], ['a', 'b'], ['c']]);
  });

  it('drafts: a server limited to rfc6455 refuses hixie-76 and hybi-07', async () => {
    const { port } = await echoServer({ drafts: ['rfc6455'] });
    await expect(open(`ws://127.0.0.1:${port}/`, { draft: 'hybi-07' })).rejects.toMatchObject({
      status: 426,
    });
    await expect(open(`ws://127.0.0.1:${port}/`, { draft: 'hixie-76' })).rejects.toHaveProperty('status');
    expect((await open(`ws://127.0.0.1:${port}/`)).draft).toBe('rfc6455');
  });

  it('headers listeners may append response headers', async () => {
    const { server, port } = await echoServer();
    server.on('headers', (lines: string[]) => lines.push('X-Test: 1'));
    const client = raw(port);
    client.write(rfc6455Head());
    expect(await client.head()).toMatch(/^HTTP\/1\.1 101 [\s\S]*\r\nX-Test: 1\r\n\r\n$/);
  });
});

describe('modes', () => {
  it('attaches to an existing http server', async () => {
    const http = createHttpServer((_req, res) => res.end('mine'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => http.close(() => r())));
    const server = createServer({ server: http }, (conn) =>
      conn.on('message', (d: Buffer) => conn.send(d, { binary: false })),
    );
    cleanups.push(() => closeServer(server));
    const port = (http.address() as AddressInfo).port;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('mine');
    const conn = await open(`ws://127.0.0.1:${port}/`, { draft: 'hixie-75' });
    expect(await roundTrip(conn, 'attached')).toBe('attached');
  });

  it('noServer: handleUpgrade from the user’s own upgrade listener', async () => {
    const server = createServer({ noServer: true });
    const http = createHttpServer();
    http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      server.handleUpgrade(req, socket, head, (conn) => {
        server.emit('connection', conn, req);
        conn.on('message', (d: Buffer) => conn.send(d, { binary: false }));
      }),
    );
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => http.close(() => r())));
    cleanups.push(() => closeServer(server));
    expect(server.address()).toBe(null);
    const port = (http.address() as AddressInfo).port;
    const conn = await open(`ws://127.0.0.1:${port}/`, { draft: 'hybi-10' });
    expect(await roundTrip(conn, 'manual')).toBe('manual');
    expect(server.clients.size).toBe(1);
  });

  it('close() closes clients with 1001 and calls back', async () => {
    const server = createServer({ port: 0 });
    const port = await listening(server);
    const conn = await open(`ws://127.0.0.1:${port}/`);
    const closed = once<[number, string, boolean]>(conn, 'close');
    await closeServer(server);
    expect(await closed).toEqual([1001, '', true]);
  });
});

describe('option validation', () => {
  const bad: [ServerOptions, RegExp][] = [
    [{ port: 0, colour: 'red' } as ServerOptions, /unknown option 'colour'/],
    [{ port: -1 }, /'port'/],
    [{ port: 0, maxPayload: '1' as unknown as number }, /'maxPayload'/],
    [{ port: 0, drafts: ['hybi-99' as 'rfc6455'] }, /'drafts'/],
    [{ port: 0, drafts: [] }, /'drafts'/],
    [{ port: 0, verifyClient: true as unknown as () => boolean }, /'verifyClient'/],
    [{ port: 0, path: 'ws' }, /'path'/],
    [{ port: 0, maxConnections: 1.5 }, /'maxConnections'/],
    [{}, /exactly one of/],
    [{ port: 0, noServer: true }, /exactly one of/],
    [{ noServer: true, tls: {} }, /'tls'/],
  ];
  it.each(bad)('%o throws a TypeError naming the problem', (options, pattern) => {
    expect(() => createServer(options)).toThrowError(TypeError);
    expect(() => createServer(options)).toThrowError(pattern);
  });
});
