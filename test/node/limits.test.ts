// Every inbound and outbound queue has a limit (issue 11): each test tries to exceed one over loopback
// and checks what the server holds meanwhile and that a well-behaved client still gets its echo.
import { afterEach, describe, expect, it } from 'vitest';
import { clientFrame, flood, rawPeer } from '../../scripts/soak/raw.js';
import { startServe } from '../../src/cli/commands/serve.js';
import type { Connection } from '../../src/connection/connection.js';
import type { WsServer } from '../../src/node/server.js';
import { closeServer, delay, once, openClient, startEchoServer, until } from './helpers.js';

const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CONTINUATION = 0x0;
const OP_PING = 0x9;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function echoServer(options: Parameters<typeof startEchoServer>[0]) {
  const started = await startEchoServer(options);
  cleanups.push(() => closeServer(started.server));
  return started;
}

/** Largest sum of bufferedAmount over the server's connections, sampled while `work` runs. */
async function peakBuffered(server: WsServer, work: Promise<unknown>): Promise<number> {
  let peak = 0;
  const sample = (): void => {
    let n = 0;
    for (const c of server.clients) n += c.bufferedAmount;
    peak = Math.max(peak, n);
  };
  const timer = setInterval(sample, 2);
  try {
    await work;
  } finally {
    clearInterval(timer);
  }
  sample();
  return peak;
}

/** A normal client's round trip, failing the test if it takes longer than `ms`. */
async function echoWithin(conn: Connection, ms: number): Promise<void> {
  const got = once(conn, 'message', ms);
  conn.send('still served?');
  const [data] = (await got) as [Buffer];
  expect(data.toString()).toBe('still served?');
}

describe('fragments per message (maxFragments)', () => {
  it('rfc6455: an endless fragmented message is closed with 1008 once past the limit', async () => {
    const { port } = await echoServer({ maxFragments: 1000 });
    const peer = await rawPeer(port);
    cleanups.push(() => peer.socket.destroy());
    const frames = [clientFrame(OP_TEXT, Buffer.alloc(0), false)];
    for (let i = 0; i < 1000; i++) frames.push(clientFrame(OP_CONTINUATION, Buffer.from('a'), false));
    peer.socket.write(Buffer.concat(frames));
    await peer.closed;
    expect(peer.closeCode()).toBe(1008);
  });

  it('exactly maxFragments frames is still one message', async () => {
    const { port } = await echoServer({ maxFragments: 100 });
    const peer = await rawPeer(port);
    cleanups.push(() => peer.socket.destroy());
    const frames = [clientFrame(OP_TEXT, Buffer.from('a'), false)];
    for (let i = 0; i < 98; i++) frames.push(clientFrame(OP_CONTINUATION, Buffer.from('a'), false));
    frames.push(clientFrame(OP_CONTINUATION, Buffer.from('a'), true));
    peer.socket.write(Buffer.concat(frames));
    await until(() => Buffer.concat(peer.received).length >= 102);
    expect(Buffer.concat(peer.received).subarray(0, 2)).toEqual(Buffer.from([0x81, 100]));
  });

  it('hybi-07 (no 1008 on that draft): closed with 1004, the default limit of 16,384 holds', async () => {
    const { port } = await echoServer({});
    const peer = await rawPeer(port, 'hybi-07');
    cleanups.push(() => peer.socket.destroy());
    const empty = clientFrame(OP_CONTINUATION, Buffer.alloc(0), false);
    peer.socket.write(clientFrame(OP_BINARY, Buffer.alloc(0), false));
    await flood(peer.socket, () => Buffer.concat(Array(512).fill(empty)), Date.now() + 10_000);
    await peer.closed;
    expect(peer.closeCode()).toBe(1004);
  });
});

describe('writeHighWaterMark: a peer that does not read stops being read from', () => {
  it('pings flooded without reading the pongs: the server holds at most the mark plus one read', async () => {
    const mark = 128 * 1024;
    const { server, port } = await echoServer({ writeHighWaterMark: mark });
    const peer = await rawPeer(port);
    cleanups.push(() => peer.socket.destroy());
    peer.stopReading();
    const normal = await openClient(`ws://127.0.0.1:${port}/`, {}, cleanups);
    const ping = clientFrame(OP_PING, Buffer.alloc(125, 0x61));
    const batch = Buffer.concat(Array(64).fill(ping));
    // About 24 MiB of pings: far more pongs than the kernel's buffers take.
    const attack = flood(peer.socket, () => batch, Date.now() + 3000, 256 * 1024);
    const peak = await peakBuffered(server, attack);
    await echoWithin(normal, 2000);
    expect(await attack).toBeGreaterThan(4 * 1024 * 1024);
    // One 64 KiB read of pings yields 64 KiB of pongs at most; the mark stops the rest.
    expect(peak).toBeLessThan(mark + 256 * 1024);
    expect(peak).toBeGreaterThan(mark / 2);
  });

  it('pongs are coalesced while congested: the pongs the peer finally reads are fewer than its pings', async () => {
    const { port } = await echoServer({ writeHighWaterMark: 64 * 1024 });
    const peer = await rawPeer(port);
    cleanups.push(() => peer.socket.destroy());
    peer.stopReading();
    const ping = clientFrame(OP_PING, Buffer.alloc(125, 0x62));
    const batch = Buffer.concat(Array(64).fill(ping));
    const sent = (await flood(peer.socket, () => batch, Date.now() + 1500, 256 * 1024)) / ping.length;
    peer.socket.resume();
    await delay(300);
    const pongs = Buffer.concat(peer.received).length / 127;
    expect(pongs).toBeGreaterThan(0);
    expect(pongs).toBeLessThan(sent);
  });

  it('a client that sends fast and never reads: the echo stops reading it instead of buffering', async () => {
    const mark = 256 * 1024;
    const { server, port } = await echoServer({ writeHighWaterMark: mark });
    const peer = await rawPeer(port);
    cleanups.push(() => peer.socket.destroy());
    peer.stopReading();
    const normal = await openClient(`ws://127.0.0.1:${port}/`, {}, cleanups);
    const message = clientFrame(OP_BINARY, Buffer.alloc(16 * 1024, 0x63));
    const attack = flood(peer.socket, () => message, Date.now() + 3000, 512 * 1024);
    const peak = await peakBuffered(server, attack);
    await echoWithin(normal, 2000);
    expect(await attack).toBeGreaterThan(4 * 1024 * 1024);
    expect(peak).toBeLessThan(mark + 256 * 1024);
  });
});

describe('wscompat serve', () => {
  it('its echo honours send() returning false: a never-reading client holds far less than the mark', async () => {
    const { server, url } = await startServe({
      port: 0,
      host: '127.0.0.1',
      drafts: ['rfc6455'],
      maxPayload: undefined,
      protocols: undefined,
      tls: undefined,
      quiet: true,
    });
    cleanups.push(() => closeServer(server));
    const port = Number(new URL(url).port);
    const peer = await rawPeer(port);
    cleanups.push(() => peer.socket.destroy());
    peer.stopReading();
    const normal = await openClient(url, {}, cleanups);
    const message = clientFrame(OP_BINARY, Buffer.alloc(16 * 1024, 0x64));
    const attack = flood(peer.socket, () => message, Date.now() + 2500, 512 * 1024);
    const peak = await peakBuffered(server, attack);
    await echoWithin(normal, 2000);
    expect(await attack).toBeGreaterThan(4 * 1024 * 1024);
    // The default writeHighWaterMark is 1 MiB; the echo pauses as soon as send() says false.
    expect(peak).toBeLessThan(512 * 1024);
  });
});

describe('maxBufferedBytes: one budget for every connection', () => {
  it('the attacker that pushes the server over its budget is closed with 1013; others are served', async () => {
    const { server, port } = await echoServer({ maxPayload: 1024 * 1024, maxBufferedBytes: 1024 * 1024 });
    const normal = await openClient(`ws://127.0.0.1:${port}/`, {}, cleanups);
    const half = (fill: number) => {
      // A header announcing 1 MiB, then 600 KiB of it: held, under maxPayload, never finished.
      const frame = clientFrame(OP_BINARY, Buffer.alloc(1024 * 1024, fill));
      return frame.subarray(0, 14 + 600 * 1024);
    };
    const first = await rawPeer(port);
    const second = await rawPeer(port);
    cleanups.push(
      () => first.socket.destroy(),
      () => second.socket.destroy(),
    );
    first.socket.write(half(1));
    await delay(100);
    second.socket.write(half(2));
    await second.closed;
    expect(second.closeCode()).toBe(1013);
    expect(first.socket.destroyed).toBe(false);
    await echoWithin(normal, 2000);
    expect(server.clients.size).toBe(2);
  });

  it('hybi-07 has no 1013: it gets 1001', async () => {
    const { port } = await echoServer({ maxPayload: 1024 * 1024, maxBufferedBytes: 256 * 1024 });
    const peer = await rawPeer(port, 'hybi-07');
    cleanups.push(() => peer.socket.destroy());
    peer.socket.write(clientFrame(OP_BINARY, Buffer.alloc(1024 * 1024)).subarray(0, 300 * 1024));
    await peer.closed;
    expect(peer.closeCode()).toBe(1001);
  });
});

describe('idleTimeout', () => {
  it('a silent peer is pinged, then closed with 1001', async () => {
    const { port } = await echoServer({ idleTimeout: 200 });
    const peer = await rawPeer(port);
    cleanups.push(() => peer.socket.destroy());
    const started = Date.now();
    await until(() => Buffer.concat(peer.received).length > 0, 2000);
    expect(Buffer.concat(peer.received)[0]).toBe(0x89);
    await until(() => peer.closeCode() !== undefined, 2000);
    expect(peer.closeCode()).toBe(1001);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('a peer that answers the pings stays open', async () => {
    const { port } = await echoServer({ idleTimeout: 100 });
    const conn = await openClient(`ws://127.0.0.1:${port}/`, {}, cleanups);
    let pings = 0;
    conn.on('ping', () => pings++);
    await delay(500);
    expect(conn.readyState).toBe(conn.OPEN);
    expect(pings).toBeGreaterThan(0);
  });
});
