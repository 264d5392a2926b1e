// Timeouts on every phase (issue 11): a TLS handshake, a request head or a hixie-76 key3 that never comes
// is cut at the handshake timeout, on the library server and the gateway, and holds no upstream meanwhile.
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cryptoRng } from '../../src/core/rng.js';
import { getDraft } from '../../src/drafts.js';
import { connect } from '../../src/node/client.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import { closeServer, listening, startEchoServer } from '../node/helpers.js';
import { haveOpenssl, makeTestCert, type TestCert } from '../support/tls-cert.js';
import { closeGateway, echoUpstream, nextMessage, startGateway } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TCP connection that sends `bytes` (maybe nothing) and then waits: resolves with ms until closed. */
async function heldFor(port: number, bytes: string | Buffer): Promise<number> {
  const socket: Socket = netConnect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  cleanups.push(() => socket.destroy());
  await once(socket, 'connect');
  const started = Date.now();
  if (bytes.length > 0) socket.write(bytes);
  socket.resume();
  await once(socket, 'close');
  return Date.now() - started;
}

describe.skipIf(!haveOpenssl)('a TLS handshake that never finishes', () => {
  let made: TestCert;
  beforeAll(() => {
    made = makeTestCert();
  });
  afterAll(() => made.remove());

  it('createServer closes it at handshakeTimeout, not after Node 120 s', async () => {
    const server: WsServer = createServer({
      port: 0,
      tls: { cert: made.cert, key: made.key },
      handshakeTimeout: 300,
    });
    cleanups.push(() => closeServer(server));
    const ms = await heldFor(await listening(server), '');
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(3000);
  });

  it('the gateway closes it at handshakeTimeout', async () => {
    const up = await echoUpstream();
    cleanups.push(() => up.close());
    const { gw } = await startGateway({
      upstream: up.url,
      tls: { cert: made.cert, key: made.key },
      handshakeTimeout: 300,
    });
    cleanups.push(() => closeGateway(gw));
    const ms = await heldFor(gw.address().port, '');
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(3000);
  });
});

describe('a request head that never completes', () => {
  it('the gateway honours handshakeTimeout (not Node 30 s check interval)', async () => {
    const up = await echoUpstream();
    cleanups.push(() => up.close());
    const { gw } = await startGateway({ upstream: up.url, handshakeTimeout: 500 });
    cleanups.push(() => closeGateway(gw));
    const ms = await heldFor(gw.address().port, 'GET / HTTP/1.1\r\nHost: x\r\n');
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThan(3000);
  });
});

describe('hixie-76 clients that never send key3, through the gateway', () => {
  it('hold no upstream connection; the one that sends key3 gets its upstream and its echo', async () => {
    const up = await echoUpstream();
    cleanups.push(() => up.close());
    const { gw } = await startGateway({ upstream: up.url, handshakeTimeout: 1000, connectTimeout: 500 });
    cleanups.push(() => closeGateway(gw));
    const port = gw.address().port;
    const request = () =>
      getDraft('hixie-76').buildRequest({
        url: new URL(`ws://127.0.0.1:${port}/`),
        protocols: [],
        rng: cryptoRng,
      }).bytes;
    const stalled: Socket[] = [];
    for (let i = 0; i < 20; i++) {
      const s = netConnect({ host: '127.0.0.1', port });
      s.on('error', () => {});
      cleanups.push(() => s.destroy());
      const bytes = request();
      s.write(bytes.subarray(0, bytes.length - 8));
      stalled.push(s);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(up.wss.clients.size).toBe(0);
    const conn = connect(`ws://127.0.0.1:${port}/`, { draft: 'hixie-76' });
    cleanups.push(() => conn.terminate());
    const echo = nextMessage(conn);
    await once(conn, 'open');
    conn.send('through');
    expect((await echo).data.toString()).toBe('through');
    expect(up.wss.clients.size).toBe(1);
    await Promise.all(stalled.map((s) => once(s, 'close')));
  });
});

describe('a hostile client never takes the process down', () => {
  it('the library server meanwhile still serves a normal client (smoke of the whole set)', async () => {
    const { server, port } = await startEchoServer({ handshakeTimeout: 300 });
    cleanups.push(() => closeServer(server));
    const ms = await heldFor(port, 'GET / HTTP/1.1\r\nHost: x\r\n');
    expect(ms).toBeLessThan(3000);
    const conn = connect(`ws://127.0.0.1:${port}/`);
    cleanups.push(() => conn.terminate());
    await once(conn, 'open');
  });
});
