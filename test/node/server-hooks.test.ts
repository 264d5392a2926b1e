// Server hooks: negotiate first, then verifyClient, then handleProtocols (both may be async); the abort
// signal in VerifyClientInfo fires exactly when a verified handshake ends without a connection.
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { seededRng } from '../../src/core/rng.js';
import { getDraft } from '../../src/drafts.js';
import { connect } from '../../src/node/client.js';
import { createServer } from '../../src/node/server.js';
import type { ServerOptions, VerifyClientInfo, VerifyClientResult } from '../../src/node/server-options.js';
import { closeServer, delay, listening, once, openClient, RawClient, statusOf, until } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(options: Omit<ServerOptions, 'port'>) {
  const opened: Connection[] = [];
  const s = createServer({ port: 0, ...options }, (conn) => opened.push(conn));
  cleanups.push(() => closeServer(s));
  return { server: s, port: await listening(s), opened };
}

function client(url: string, options: Parameters<typeof connect>[1] = {}): Promise<Connection> {
  return openClient(url, options, cleanups);
}

/** A verifyClient that records what it saw and answers `result`. */
function recording(result: VerifyClientResult = true) {
  const infos: VerifyClientInfo[] = [];
  const verifyClient = (info: VerifyClientInfo): VerifyClientResult => {
    infos.push(info);
    return result;
  };
  return { infos, verifyClient };
}

function raw(port: number): RawClient {
  const c = new RawClient(port);
  cleanups.push(() => c.destroy());
  return c;
}

/** A hook result the test settles by hand; records the signals it was given. */
function held() {
  const infos: VerifyClientInfo[] = [];
  let release: (v: boolean) => void = () => {};
  const verifyClient = (info: VerifyClientInfo): Promise<boolean> => {
    infos.push(info);
    return new Promise((resolve) => {
      release = resolve;
    });
  };
  return { infos, verifyClient, release: (v: boolean) => release(v) };
}

const abortCode = (info: VerifyClientInfo | undefined) => (info?.signal.reason as { code?: string })?.code;

describe('hook order', () => {
  it('verifyClient (async) runs before handleProtocols (async), which can return what verifyClient learned', async () => {
    const calls: string[] = [];
    const picked = new WeakMap<object, string>();
    const { port } = await server({
      verifyClient: async (info) => {
        calls.push(`verify ${info.draft} ${info.protocols.join(',')} binary=${info.caps.binary}`);
        await delay(20);
        // As a gateway would: the choice comes from somewhere slow, e.g. an upstream's handshake.
        picked.set(info.req, info.protocols.at(-1) ?? '');
        return true;
      },
      handleProtocols: async (offered, req) => {
        calls.push(`protocols ${offered.join(',')}`);
        await delay(20);
        return picked.get(req);
      },
    });
    for (const draft of ['rfc6455', 'hybi-10', 'hybi-07'] as const) {
      const conn = await client(`ws://127.0.0.1:${port}/`, { draft, protocols: ['a', 'b'] });
      expect(conn.protocol).toBe('b');
    }
    expect(calls).toEqual([
      'verify rfc6455 a,b binary=true',
      'protocols a,b',
      'verify hybi-10 a,b binary=true',
      'protocols a,b',
      'verify hybi-07 a,b binary=true',
      'protocols a,b',
    ]);
  });

  it('bad requests never reach the hooks; a refusal by verifyClient skips handleProtocols', async () => {
    const calls: string[] = [];
    const { port } = await server({
      verifyClient: (info) => {
        calls.push(`verify ${info.req.url}`);
        return info.req.url !== '/deny';
      },
      handleProtocols: (offered) => {
        calls.push('protocols');
        return offered[0];
      },
    });
    const bad = raw(port);
    bad.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    expect(statusOf(await bad.head())).toBe(400);
    await expect(client(`ws://127.0.0.1:${port}/deny`, { protocols: ['p'] })).rejects.toMatchObject({
      status: 403,
    });
    expect(calls).toEqual(['verify /deny']);
  });

  it('hixie offers reach verifyClient as protocols; handleProtocols is not asked (hixie echoes the offer)', async () => {
    const seen: (readonly string[])[] = [];
    let asked = 0;
    const { port } = await server({
      verifyClient: (info) => {
        seen.push(info.protocols);
        return true;
      },
      handleProtocols: () => {
        asked++;
        return undefined;
      },
    });
    const conn = await client(`ws://127.0.0.1:${port}/`, { draft: 'hixie-76', protocols: ['chat'] });
    expect(conn.protocol).toBe('chat');
    await client(`ws://127.0.0.1:${port}/`, { draft: 'hixie-75' });
    expect(seen).toEqual([['chat'], []]);
    expect(asked).toBe(0);
  });

  it('a throwing or rejecting handleProtocols gives 500 and aborts the signal', async () => {
    const { infos, verifyClient } = recording();
    const { port, opened } = await server({
      verifyClient,
      handleProtocols: async () => {
        throw new Error('no');
      },
    });
    await expect(client(`ws://127.0.0.1:${port}/`, { protocols: ['p'] })).rejects.toMatchObject({
      status: 500,
    });
    expect(abortCode(infos[0])).toBe('refused');
    expect(opened).toHaveLength(0);
  });
});

describe('the abort signal and limits around async hooks', () => {
  it('a client that goes away during verifyClient aborts the signal with client-gone and frees its slot', async () => {
    const hook = held();
    const { port, server: s } = await server({ verifyClient: hook.verifyClient, maxConnections: 1 });
    const rejected: number[] = [];
    s.on('rejected', (status: number) => rejected.push(status));
    const gone = connect(`ws://127.0.0.1:${port}/`);
    gone.on('error', () => {});
    await until(() => hook.infos.length === 1);
    expect(hook.infos[0]?.signal.aborted).toBe(false);
    gone.terminate();
    await until(() => hook.infos[0]?.signal.aborted === true);
    expect(abortCode(hook.infos[0])).toBe('client-gone');
    // Resolving late changes nothing, and the slot is free for the next client.
    hook.release(true);
    const next = client(`ws://127.0.0.1:${port}/`);
    await until(() => hook.infos.length === 2);
    hook.release(true);
    expect((await next).readyState).toBe(1);
    expect(hook.infos[1]?.signal.aborted).toBe(false);
    expect(rejected).toEqual([]);
  });

  it('handshakeTimeout covers a verifyClient that never answers: socket closed, signal aborted', async () => {
    const hook = held();
    const { port, opened } = await server({ verifyClient: hook.verifyClient, handshakeTimeout: 150 });
    const started = Date.now();
    await expect(client(`ws://127.0.0.1:${port}/`)).rejects.toBeInstanceOf(Error);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(abortCode(hook.infos[0])).toBe('timeout');
    expect(opened).toHaveLength(0);
  });

  it('handshakeTimeout covers a slow async handleProtocols too', async () => {
    const { infos, verifyClient } = recording();
    const { port, opened } = await server({
      handshakeTimeout: 150,
      verifyClient,
      handleProtocols: () => new Promise<string>(() => {}),
    });
    await expect(client(`ws://127.0.0.1:${port}/`, { protocols: ['p'] })).rejects.toBeInstanceOf(Error);
    expect(abortCode(infos[0])).toBe('timeout');
    expect(opened).toHaveLength(0);
  });

  it('a refusal by verifyClient aborts its own signal with refused', async () => {
    const { infos, verifyClient } = recording({ status: 401 });
    const { port } = await server({
      verifyClient,
    });
    await expect(client(`ws://127.0.0.1:${port}/`)).rejects.toMatchObject({ status: 401 });
    expect(abortCode(infos[0])).toBe('refused');
  });

  it('hixie-76: key3 never arriving: the 101 head only, verifyClient never asked (nothing it sets up is held), closed at the timeout', async () => {
    const { infos, verifyClient } = recording();
    const { port, opened } = await server({
      handshakeTimeout: 150,
      verifyClient,
    });
    const request = getDraft('hixie-76').buildRequest({
      url: new URL(`ws://127.0.0.1:${port}/`),
      protocols: [],
      rng: seededRng(1),
    });
    const c = raw(port);
    c.write(request.bytes.subarray(0, request.bytes.length - 8));
    const started = Date.now();
    await c.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    // The head goes out before key3 (proxies hold key3 until they see it); the 16-byte answer never does.
    const head = c.received.toString('latin1');
    expect(head.startsWith('HTTP/1.1 101 ')).toBe(true);
    expect(head.endsWith('\r\n\r\n')).toBe(true);
    expect(infos).toHaveLength(0);
    expect(opened).toHaveLength(0);
  });

  it('hixie-76: key3 sent apart from the head still reaches verifyClient and opens', async () => {
    const { infos, verifyClient } = recording();
    const { port, opened } = await server({ verifyClient });
    const request = getDraft('hixie-76').buildRequest({
      url: new URL(`ws://127.0.0.1:${port}/`),
      protocols: [],
      rng: seededRng(1),
    });
    const c = raw(port);
    c.write(request.bytes.subarray(0, request.bytes.length - 8));
    expect(statusOf(await c.head())).toBe(101);
    await delay(50);
    expect(infos).toHaveLength(0);
    c.write(request.bytes.subarray(request.bytes.length - 8));
    await until(() => infos.length === 1);
    await until(() => opened.length === 1);
    c.destroy();
  });

  it('hixie-76: verifyClient refusing a client whose key3 came late drops it without the 16-byte answer', async () => {
    const { infos, verifyClient } = recording(false);
    const { port, opened } = await server({ verifyClient });
    const request = getDraft('hixie-76').buildRequest({
      url: new URL(`ws://127.0.0.1:${port}/`),
      protocols: [],
      rng: seededRng(1),
    });
    const c = raw(port);
    c.write(request.bytes.subarray(0, request.bytes.length - 8));
    const head = await c.head();
    expect(statusOf(head)).toBe(101);
    c.write(request.bytes.subarray(request.bytes.length - 8));
    await c.closed;
    expect(infos).toHaveLength(1);
    // Nothing after the head: without its answer the client fails the handshake.
    expect(c.received.length).toBe(head.length);
    expect(opened).toHaveLength(0);
  });

  it('an opened connection never aborts its signal, even after it closes', async () => {
    const { infos, verifyClient } = recording();
    const { port } = await server({
      verifyClient,
    });
    const conn = await client(`ws://127.0.0.1:${port}/`);
    conn.close();
    await once(conn, 'close');
    await delay(20);
    expect(infos[0]?.signal.aborted).toBe(false);
  });
});
