// Large compressed messages deflate on libuv's pool (asyncThreshold) while the Connection contract holds:
// frames leave in send order, callbacks run in order, the close waits behind pending deflates, terminate()
// frees them, bufferedAmount and backpressure count them. Checked against the npm `ws` 8 peer over loopback.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { Connection } from '../../src/connection/connection.js';
import type { ServerOptions } from '../../src/node/server-options.js';
import { sharedZlibPool } from '../../src/node/zlib-pool.js';
import { jsonLike } from '../hybi/compression-helpers.js';
import { closeServer, once, openClient, startEchoServer, until } from '../node/helpers.js';
import { runChild } from '../support/child.js';
import { runs } from '../support/fc-runs.js';
import { hasPythonModule, PYTHON } from '../support/python.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const LARGE = jsonLike(64 * 1024, 11);

/** Our server (no echo) and a ws client recording every message, ping and the close, in arrival order. */
async function serverAndWsClient(
  options: Omit<ServerOptions, 'port'> = {},
): Promise<{ conn: Connection; ws: WebSocket; events: string[]; closed: Promise<unknown[]> }> {
  const { server, port } = await startEchoServer({ perMessageDeflate: true, ...options });
  cleanups.push(() => closeServer(server));
  const accepted = once<[Connection]>(server, 'connection');
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: true });
  cleanups.push(() => ws.terminate());
  const events: string[] = [];
  ws.on('message', (d: Buffer, binary: boolean) =>
    events.push(`${binary ? 'bin' : 'text'}:${d.length}:${hash(d)}`),
  );
  ws.on('ping', (d: Buffer) => events.push(`ping:${d.toString()}`));
  const closed = once<unknown[]>(ws, 'close', 10_000);
  await once(ws, 'open');
  const [conn] = await accepted;
  expect(conn.extensions).toMatch(/^permessage-deflate/);
  return { conn, ws, events, closed };
}

/** A short fingerprint of a message's bytes, so a reordered or corrupted message shows. */
function hash(d: Uint8Array): number {
  let h = 0;
  for (let i = 0; i < d.length; i++) h = (h * 31 + d[i]!) | 0;
  return h;
}

const expectText = (s: string): string => `text:${Buffer.byteLength(s)}:${hash(Buffer.from(s))}`;

describe('large compressed messages deflate off the event loop, in order', () => {
  it('interleaved small and large sends (and pings) arrive in order, callbacks in order, the pool used', async () => {
    const { conn, events } = await serverAndWsClient();
    const pool = sharedZlibPool();
    const inlineBefore = pool.inlineRuns;
    pool.peakRunning = 0;
    const sent: string[] = [];
    const acked: number[] = [];
    const messages = [
      LARGE,
      'small',
      jsonLike(20_000, 2),
      jsonLike(3000, 3),
      LARGE,
      'x',
      jsonLike(100_000, 4),
    ];
    messages.forEach((m, i) => {
      conn.send(m, (err) => {
        expect(err).toBeFalsy();
        acked.push(i);
      });
      sent.push(expectText(m));
      if (i === 1) {
        conn.ping('p1');
        sent.push('ping:p1');
      }
    });
    // The payloads being deflated are buffered: nothing has reached the socket yet.
    expect(conn.bufferedAmount).toBeGreaterThanOrEqual(LARGE.length);
    await until(() => events.length === sent.length);
    expect(events).toEqual(sent);
    expect(acked).toEqual(messages.map((_, i) => i));
    expect(pool.peakRunning).toBeGreaterThan(0);
    expect(pool.peakRunning).toBeLessThanOrEqual(pool.limit);
    expect(pool.inlineRuns).toBe(inlineBefore);
  });

  it('close() right after a burst of large sends delivers all of them, then the close', async () => {
    const { conn, events, closed } = await serverAndWsClient();
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const m = jsonLike(40_000 + i * 997, 100 + i);
      conn.send(m);
      sent.push(expectText(m));
    }
    conn.close(1000, 'done');
    const [code, reason] = await closed;
    expect(events).toEqual(sent);
    expect(code).toBe(1000);
    expect(String(reason)).toBe('done');
  });

  it('the peer closing while deflates are pending still gets them before our echo of its close', async () => {
    const { conn, ws, events, closed } = await serverAndWsClient();
    // The echo server answers 'go' first (its listener came first).
    const sent: string[] = [expectText('go')];
    // Sent from inside a message listener, the peer's close right behind it in the same read.
    conn.on('message', () => {
      for (let i = 0; i < 5; i++) {
        const m = jsonLike(50_000, 200 + i);
        conn.send(m);
        sent.push(expectText(m));
      }
    });
    ws.send('go');
    ws.close(1000, 'bye');
    const [code] = await closed;
    expect(code).toBe(1000);
    // ws, closing, still reads messages until the close echo: all of them came before it.
    expect(events).toEqual(sent);
  });

  it('terminate() while deflates are pending frees them, fails their callbacks and writes nothing more', async () => {
    const { conn, events, closed } = await serverAndWsClient();
    const pool = sharedZlibPool();
    const errors: (Error | null | undefined)[] = [];
    for (let i = 0; i < 30; i++) conn.send(LARGE, (err) => errors.push(err));
    conn.terminate();
    const [code] = await closed;
    expect(code).toBe(1006);
    await until(() => errors.length === 30);
    // Whatever had not left when terminate() ran is reported, never written later.
    const failed = errors.filter((e) => e instanceof Error).length;
    expect(failed).toBeGreaterThan(0);
    expect(events.length).toBe(30 - failed);
    await until(() => pool.running === 0 && pool.waitingBytes === 0);
  });

  it('the caller reusing its buffer after send() does not change what is sent', async () => {
    const { conn, events } = await serverAndWsClient();
    const buf = Buffer.from(LARGE);
    const expected = `bin:${buf.length}:${hash(buf)}`;
    conn.send(buf);
    buf.fill(0x41);
    await until(() => events.length === 1);
    expect(events[0]).toBe(expected);
  });

  it('pending deflates count against writeHighWaterMark: send() is false, reads pause, then drain', async () => {
    const { conn, events } = await serverAndWsClient({ writeHighWaterMark: 100_000 });
    const results = [0, 1, 2, 3].map(() => conn.send(LARGE));
    expect(results).toEqual([true, false, false, false]);
    expect(conn.bufferedAmount).toBeGreaterThan(100_000);
    const socket = (conn as unknown as { transport: { socket: { isPaused(): boolean } } }).transport.socket;
    expect(socket.isPaused()).toBe(true);
    await once(conn, 'drain');
    await until(() => events.length === 4);
    expect(conn.bufferedAmount).toBeLessThan(100_000);
    expect(socket.isPaused()).toBe(false);
  });

  it('our client deflates large messages the same way: a ws server echoes them in order', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: true });
    cleanups.push(() => new Promise((r) => wss.close(r)));
    await once(wss, 'listening');
    wss.on('connection', (s) => s.on('message', (d: Buffer, b: boolean) => s.send(d, { binary: b })));
    const port = (wss.address() as { port: number }).port;
    const conn = await openClient(`ws://127.0.0.1:${port}`, { perMessageDeflate: true }, cleanups);
    const got: string[] = [];
    conn.on('message', (d: Buffer) => got.push(`text:${d.length}:${hash(d)}`));
    const sent = [LARGE, 'a', jsonLike(30_000, 9), 'b'].map((m) => {
      conn.send(m);
      return expectText(m);
    });
    await until(() => got.length === sent.length);
    expect(got).toEqual(sent);
  });

  it('property: any sizes around the threshold, interleaved with pings and a close, arrive exactly', async () => {
    const item = fc.oneof(
      fc.record({ kind: fc.constant('text' as const), size: fc.integer({ min: 3500, max: 4700 }) }),
      fc.record({ kind: fc.constant('binary' as const), size: fc.integer({ min: 0, max: 9000 }) }),
      fc.record({ kind: fc.constant('ping' as const), size: fc.integer({ min: 0, max: 20 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 12 }), fc.integer(), async (plan, seed) => {
        const { conn, events, closed } = await serverAndWsClient({
          perMessageDeflate: { asyncThreshold: 4096, threshold: 64 },
        });
        const sent: string[] = [];
        plan.forEach((p, i) => {
          if (p.kind === 'ping') {
            conn.ping(`p${i}`);
            sent.push(`ping:p${i}`);
          } else if (p.kind === 'text') {
            const m = jsonLike(p.size, seed + i);
            conn.send(m);
            sent.push(expectText(m));
          } else {
            const b = Buffer.from(jsonLike(p.size, seed - i));
            conn.send(b);
            sent.push(`bin:${b.length}:${hash(b)}`);
          }
        });
        conn.close(1000);
        const [code] = await closed;
        expect(code).toBe(1000);
        expect(events).toEqual(sent);
        for (const c of cleanups.splice(0).reverse()) await c();
      }),
      { numRuns: runs(15) },
    );
  });
});

describe('the same path for deflate-frame and for Python websockets', () => {
  it('x-webkit-deflate-frame, our client to our server: large frames deflate off the loop, echoed in order', async () => {
    const { server, port } = await startEchoServer({ perMessageDeflate: true });
    cleanups.push(() => closeServer(server));
    const conn = await openClient(
      `ws://127.0.0.1:${port}`,
      { perMessageDeflate: { deflateFrame: true } },
      cleanups,
    );
    expect(conn.extensions).toBe('x-webkit-deflate-frame');
    const pool = sharedZlibPool();
    const inline = pool.inlineRuns;
    pool.peakRunning = 0;
    const got: string[] = [];
    conn.on('message', (d: Buffer) => got.push(`text:${d.length}:${hash(d)}`));
    const sent = [LARGE, 'a', jsonLike(30_000, 9), jsonLike(2000, 8), LARGE].map((m) => {
      conn.send(m);
      return expectText(m);
    });
    await until(() => got.length === sent.length);
    expect(got).toEqual(sent);
    expect(pool.peakRunning).toBeGreaterThan(0);
    expect(pool.inlineRuns).toBe(inline);
  });

  const PY_READER = `
import asyncio, hashlib, json, sys, websockets
async def main(url):
    async with websockets.connect(url, max_size=2**24) as ws:
        got = []
        try:
            while True:
                m = await ws.recv()
                got.append([len(m), hashlib.sha1(m.encode() if isinstance(m, str) else m).hexdigest()])
        except websockets.ConnectionClosed:
            pass
        print(json.dumps({"ext": ws.response_headers.get("Sec-WebSocket-Extensions"), "got": got, "code": ws.close_code}))
asyncio.run(main(sys.argv[1]))
`;
  it.skipIf(!hasPythonModule('websockets'))(
    'Python websockets gets a burst of mixed sizes, then the close',
    async () => {
      const { createHash } = await import('node:crypto');
      const { server, port } = await startEchoServer({ perMessageDeflate: true });
      cleanups.push(() => closeServer(server));
      const messages = Array.from({ length: 12 }, (_, i) =>
        jsonLike(i % 3 === 0 ? 80_000 : 500 * i, 300 + i),
      );
      server.on('connection', (c: Connection) => {
        for (const m of messages) c.send(m);
        c.close(1000, 'all sent');
      });
      const out = JSON.parse(await runChild(PYTHON, ['-c', PY_READER, `ws://127.0.0.1:${port}/`], '')) as {
        ext: string;
        got: [number, string][];
        code: number;
      };
      expect(out.ext).toMatch(/^permessage-deflate/);
      expect(out.got).toEqual(messages.map((m) => [m.length, createHash('sha1').update(m).digest('hex')]));
      expect(out.code).toBe(1000);
    },
  );
});
