// Connection.pause()/resume() over loopback: a paused side stops reading, so the peer's own writes back up
// (TCP flow control), and every message arrives in order after resume(), on server and client sides.
import { once as onceEvent } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { Connection } from '../../src/connection/connection.js';
import { seededRng } from '../../src/core/rng.js';
import { getDraft } from '../../src/drafts.js';
import { connect } from '../../src/node/client.js';
import { createServer } from '../../src/node/server.js';
import { closeServer, delay, listening, once, RawClient, until } from './helpers.js';

const SIZE = 256 * 1024;
const COUNT = 128; // 32 MiB: far more than loopback socket buffers hold while nobody reads
const TOTAL = SIZE * COUNT;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function numbered(i: number): Buffer {
  const b = Buffer.alloc(SIZE, i % 251);
  b.writeUInt32BE(i, 0);
  return b;
}

/** Collects binary messages' sequence numbers. */
function collect(conn: Connection): number[] {
  const got: number[] = [];
  conn.on('message', (data: Buffer) => got.push(data.readUInt32BE(0)));
  return got;
}

describe('pause() and resume() over loopback', () => {
  it('a paused server connection makes the client back up; resume delivers every message in order', async () => {
    let serverConn: Connection | undefined;
    let got: number[] = [];
    const server = createServer({ port: 0 }, (conn) => {
      conn.pause();
      serverConn = conn;
      got = collect(conn);
    });
    cleanups.push(() => closeServer(server));
    const port = await listening(server);
    const client = connect(`ws://127.0.0.1:${port}/`);
    cleanups.push(() => client.terminate());
    await once(client, 'open');
    for (let i = 0; i < COUNT; i++) client.send(numbered(i));
    await delay(300);
    expect(serverConn?.isPaused).toBe(true);
    expect(got).toEqual([]);
    // The server stopped reading, so most bytes are still queued in the client's own process.
    expect(client.bufferedAmount).toBeGreaterThan(TOTAL / 2);
    const before = client.bufferedAmount;
    await delay(200);
    expect(client.bufferedAmount).toBe(before);

    serverConn?.resume();
    await until(() => got.length === COUNT);
    expect(got).toEqual([...Array(COUNT).keys()]);
    await until(() => client.bufferedAmount === 0);
  }, 30_000);

  it('a paused client makes an npm ws server back up', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    await onceEvent(wss, 'listening');
    const { port } = wss.address() as import('node:net').AddressInfo;
    const peers: import('ws').WebSocket[] = [];
    wss.on('connection', (ws) => {
      peers.push(ws);
      cleanups.push(() => ws.terminate());
    });
    const client = connect(`ws://127.0.0.1:${port}/`);
    cleanups.push(() => client.terminate());
    const got = collect(client);
    await once(client, 'open');
    client.pause();
    await until(() => peers.length === 1);
    const peer = peers[0]!;
    for (let i = 0; i < COUNT; i++) peer.send(numbered(i), { binary: true });
    await delay(300);
    expect(got).toEqual([]);
    expect(peer.bufferedAmount).toBeGreaterThan(TOTAL / 2);

    client.resume();
    await until(() => got.length === COUNT);
    expect(got).toEqual([...Array(COUNT).keys()]);
    await until(() => peer.bufferedAmount === 0);
  }, 30_000);

  it('frames pipelined behind the handshake wait for resume() when the listener pauses', async () => {
    const texts: string[] = [];
    let serverConn: Connection | undefined;
    const server = createServer({ port: 0 }, (conn) => {
      conn.pause();
      serverConn = conn;
      conn.on('message', (data: Buffer) => texts.push(data.toString()));
    });
    cleanups.push(() => closeServer(server));
    const port = await listening(server);
    const rng = seededRng(3);
    const draft = getDraft('rfc6455');
    const request = draft.buildRequest({ url: new URL(`ws://127.0.0.1:${port}/`), protocols: [], rng });
    const codec = draft.createCodec('client', { maxPayload: 1 << 20, rng });
    const raw = new RawClient(port);
    cleanups.push(() => raw.destroy());
    raw.write(
      Buffer.concat([
        request.bytes,
        codec.encode({ type: 'text', data: 'first' }),
        codec.encode({ type: 'text', data: 'second' }),
      ]),
    );
    await raw.head();
    await until(() => serverConn !== undefined);
    await delay(50);
    expect(texts).toEqual([]);
    serverConn?.resume();
    await until(() => texts.length === 2);
    expect(texts).toEqual(['first', 'second']);
  });
});
