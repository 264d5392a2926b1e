// The server's hixie-76 key3 handling: with the head, later, byte by byte, never (drafts.md §2).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { parseResponseHead } from '../../src/core/http-head.js';
import { seededRng } from '../../src/core/rng.js';
import { getDraft } from '../../src/drafts.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import { closeServer, delay, listening, RawClient } from './helpers.js';

let server: WsServer;
let port: number;
let opened: Connection[];
const clients: RawClient[] = [];

beforeEach(async () => {
  opened = [];
  server = createServer({ port: 0, handshakeTimeout: 300 }, (conn) => {
    opened.push(conn);
    conn.on('message', (data: Buffer) => conn.send(data, { binary: false }));
  });
  port = await listening(server);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await closeServer(server);
});

function hixie76Request(seed: number) {
  const request = getDraft('hixie-76').buildRequest({
    url: new URL(`ws://127.0.0.1:${port}/chat?room=1`),
    protocols: ['sample'],
    origin: 'http://example.com',
    rng: seededRng(seed),
  });
  const key3Start = request.bytes.length - 8;
  return { request, head: request.bytes.subarray(0, key3Start), key3: request.bytes.subarray(key3Start) };
}

/** Reads the 101 and the 16-byte answer and lets the draft's own client check them. */
async function expectAccepted(client: RawClient, request: ReturnType<typeof hixie76Request>['request']) {
  await client.head();
  const parsed = parseResponseHead(client.received);
  if (parsed.kind !== 'head') throw new Error('no head');
  const all = await client.atLeast(parsed.consumed + 16);
  const verdict = request.verify(
    parsed.head,
    all.subarray(parsed.consumed, parsed.consumed + 16),
    all.subarray(0, parsed.consumed),
  );
  expect(verdict).toEqual({ ok: true, protocol: 'sample', extensions: '' });
  return parsed.consumed + 16;
}

async function expectEcho(client: RawClient, offset: number): Promise<void> {
  client.write(Buffer.from([0x00, 0x68, 0x69, 0xff]));
  const all = await client.atLeast(offset + 4);
  expect([...all.subarray(offset)]).toEqual([0x00, 0x68, 0x69, 0xff]);
}

describe('hixie-76 key3 and handshake timing', () => {
  it('arrives with the head', async () => {
    const { request } = hixie76Request(1);
    const client = new RawClient(port);
    clients.push(client);
    client.write(request.bytes);
    await expectEcho(client, await expectAccepted(client, request));
    expect(opened.map((c) => [c.draft, c.protocol, c.url])).toEqual([['hixie-76', 'sample', '/chat?room=1']]);
  });

  it('arrives 50 ms later in its own segment; the 101 head is written before it', async () => {
    const { request, head, key3 } = hixie76Request(2);
    const client = new RawClient(port);
    clients.push(client);
    client.write(head);
    // Written at once, or a proxy holding key3 until it sees the 101 deadlocks (ws #687).
    const early = await client.head();
    expect(early).toMatch(/^HTTP\/1\.1 101 /);
    await delay(50);
    expect(client.received.length).toBe(early.length);
    expect(opened).toHaveLength(0);
    client.write(key3);
    await expectEcho(client, await expectAccepted(client, request));
  });

  it('arrives one byte at a time', async () => {
    const { request, head, key3 } = hixie76Request(3);
    const client = new RawClient(port);
    clients.push(client);
    client.write(head);
    for (const byte of key3) {
      await delay(5);
      client.write(Buffer.from([byte]));
    }
    await expectEcho(client, await expectAccepted(client, request));
  });

  it('with frames pipelined behind it in the same write', async () => {
    const { request } = hixie76Request(4);
    const client = new RawClient(port);
    clients.push(client);
    client.write(Buffer.concat([request.bytes, Buffer.from([0x00, 0x61, 0xff])]));
    const offset = await expectAccepted(client, request);
    const all = await client.atLeast(offset + 3);
    expect([...all.subarray(offset)]).toEqual([0x00, 0x61, 0xff]);
  });

  it('never arriving: the socket is closed after handshakeTimeout and no connection opens', async () => {
    const { head } = hixie76Request(5);
    const client = new RawClient(port);
    clients.push(client);
    const started = Date.now();
    client.write(Buffer.concat([head, Buffer.from('1234567')]));
    await client.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(client.received.toString('latin1')).toMatch(/^HTTP\/1\.1 101 [\s\S]*\r\n\r\n$/);
    expect(opened).toHaveLength(0);
    // The server still serves others.
    const { request } = hixie76Request(6);
    const other = new RawClient(port);
    clients.push(other);
    other.write(request.bytes);
    await expectEcho(other, await expectAccepted(other, request));
  });

  it('a request head that never completes is dropped after about handshakeTimeout', async () => {
    const client = new RawClient(port);
    clients.push(client);
    const started = Date.now();
    client.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\n');
    await client.closed;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2000);
    expect(opened).toHaveLength(0);
  });
});
