// Interop over loopback: npm websocket-driver 0.8 (the only Node library still speaking hixie) as the
// SERVER for draft-75 and draft-76, driven by our buildRequest/verify and codec over a raw socket.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRng } from '../../src/core/rng.js';
import type { Draft } from '../../src/core/types.js';
import { hixie75 } from '../../src/hixie75/index.js';
import { hixie76 } from '../../src/hixie76/index.js';
import { RawClient } from './raw-client.js';

/** The slice of websocket-driver's server API these tests use (it ships no types). */
interface DriverEvent {
  readonly data?: string;
}
interface ServerDriver {
  readonly io: NodeJS.ReadWriteStream;
  readonly messages: NodeJS.EventEmitter;
  readonly version: string;
  on(event: 'open' | 'close' | 'error' | 'message', fn: (e: DriverEvent) => void): void;
  start(): boolean;
  text(message: string): boolean;
  close(): boolean;
}
const websocketDriver = createRequire(import.meta.url)('websocket-driver') as {
  http(request: IncomingMessage, options: { allowDrafts: boolean }): ServerDriver;
};

/** What the websocket-driver server saw, in order. */
let log: string[];
let server: Server;
let port: number;
const serverSockets = new Set<Socket>();
const clients: RawClient[] = [];

beforeEach(async () => {
  log = [];
  server = createServer();
  server.on('upgrade', (request: IncomingMessage, socket: Socket, body: Buffer) => {
    serverSockets.add(socket);
    socket.on('close', () => serverSockets.delete(socket));
    const driver = websocketDriver.http(request, { allowDrafts: true });
    log.push(`driver ${driver.version}`);
    // The README's wiring: the bytes after the head (key3, on -76) must be fed to the driver.
    driver.io.write(body);
    socket.pipe(driver.io).pipe(socket);
    driver.on('open', () => log.push('open'));
    driver.on('message', (e) => {
      log.push(`message ${e.data}`);
      if (e.data === 'please close') driver.close();
      else driver.text(`echo ${e.data}`);
    });
    driver.on('close', () => {
      log.push('close');
      socket.end();
    });
    driver.messages.on('end', () => log.push('end'));
    driver.start();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of serverSockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function open(draft: Draft, seed: number) {
  const client = await RawClient.open(port);
  clients.push(client);
  const request = draft.buildRequest({
    url: new URL(`ws://127.0.0.1:${port}/chat?room=1`),
    protocols: [],
    origin: 'http://example.com',
    rng: seededRng(seed),
  });
  return { client, request };
}

async function exchangeText(client: RawClient, draft: Draft): Promise<void> {
  const codec = draft.createCodec('client', { maxPayload: 1 << 20, rng: seededRng(9) });
  client.attach(codec);
  const messages = ['Hello', 'Apple = \uf8ff, \u20ac, \u{1f600}', '', 'x'.repeat(70_000)];
  for (const m of messages) await client.write(codec.encode({ type: 'text', data: m }));
  await client.until(() => client.texts().length === messages.length, 'the echoes');
  expect(client.texts()).toEqual(messages.map((m) => `echo ${m}`));
  expect(log.filter((l) => l.startsWith('message '))).toEqual(messages.map((m) => `message ${m}`));
}

describe.each([
  ['one write', 'once'],
  ['one byte at a time', 'bytewise'],
] as const)('websocket-driver server, draft-75, request %s', (_name, mode) => {
  it('handshakes, exchanges text both ways, and closes by ending TCP', async () => {
    const { client, request } = await open(hixie75, 1);
    expect(request.responseBodyLength).toBe(0);
    if (mode === 'once') await client.write(request.bytes);
    else await client.writeBytewise(request.bytes);
    expect(await client.handshake(request)).toEqual({ ok: true, protocol: '', extensions: '' });
    expect(log.slice(0, 2)).toEqual(['driver hixie-75', 'open']);
    await exchangeText(client, hixie75);

    expect(client.events.some((e) => e.type === 'fail')).toBe(false);
    // hixie-75: close writes nothing; closing TCP is the close.
    expect(client.attached.encode({ type: 'close' })).toHaveLength(0);
    expect(client.attached.state).toBe('closed');
    client.socket.end();
    await client.until(() => log.includes('end'), 'the server to see the end');
    expect(log.filter((l) => l === 'close')).toEqual([]);
  });
});

describe.each([
  ['in the same write', 'once'],
  ['50 ms later, after the head came back', 'later'],
  ['one byte at a time', 'bytewise'],
] as const)('websocket-driver server, draft-76, key3 %s', (_name, mode) => {
  it('handshakes, exchanges text both ways, and runs the FF 00 closing handshake (client first)', async () => {
    const { client, request } = await open(hixie76, 2);
    expect(request.responseBodyLength).toBe(16);
    const head = request.bytes.subarray(0, request.bytes.length - 8);
    const key3 = request.bytes.subarray(request.bytes.length - 8);
    if (mode === 'once') await client.write(request.bytes);
    else if (mode === 'bytewise') await client.writeBytewise(request.bytes);
    else {
      await client.write(head);
      // websocket-driver writes its head before key3 arrives (the proxy-deadlock fix, drafts.md §2).
      await client.until(() => client.headArrived(), 'the response head before key3');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(log).toEqual(['driver hixie-76']);
      await client.write(key3);
    }
    expect(await client.handshake(request)).toEqual({ ok: true, protocol: '', extensions: '' });
    await exchangeText(client, hixie76);

    const codec = client.attached;
    await client.write(codec.encode({ type: 'close' }));
    expect(codec.state).toBe('closing');
    await client.until(() => client.events.some((e) => e.type === 'close'), "the server's FF 00");
    expect(client.events.filter((e) => e.type !== 'text')).toEqual([
      { type: 'close', code: 1005, reason: '' },
    ]);
    expect(codec.state).toBe('closed');
    expect(log.at(-1)).toBe('close');
    await client.until(() => client.ended, 'the server to end TCP');
  });
});

describe('websocket-driver server, draft-76, server closes first', () => {
  it('our codec answers its FF 00 with ours and reports 1005', async () => {
    const { client, request } = await open(hixie76, 3);
    await client.write(request.bytes);
    expect((await client.handshake(request)).ok).toBe(true);
    const codec = hixie76.createCodec('client', { maxPayload: 1024, rng: seededRng(1) });
    client.attach(codec);
    await client.write(codec.encode({ type: 'text', data: 'please close' }));
    await client.until(() => client.events.some((e) => e.type === 'close'), "the server's FF 00");
    expect(client.events).toEqual([
      { type: 'send', bytes: Buffer.from([0xff, 0x00]), closes: true },
      { type: 'close', code: 1005, reason: '' },
    ]);
    expect(codec.state).toBe('closed');
    await client.until(() => client.ended, 'the server to end TCP');
  });
});

describe('websocket-driver server, draft-76, subprotocol', () => {
  it('is refused by our verify: Draft76 never echoes Sec-WebSocket-Protocol (drafts.md §2)', async () => {
    const client = await RawClient.open(port);
    clients.push(client);
    const request = hixie76.buildRequest({
      url: new URL(`ws://127.0.0.1:${port}/`),
      protocols: ['chat'],
      origin: 'http://example.com',
      rng: seededRng(4),
    });
    await client.write(request.bytes);
    expect((await client.handshake(request)).ok).toBe(false);
  });
});

describe('websocket-driver server, draft-75, server closes first', () => {
  it('the server ending TCP between frames is a clean close for our codec (1005)', async () => {
    const { client, request } = await open(hixie75, 5);
    await client.write(request.bytes);
    expect((await client.handshake(request)).ok).toBe(true);
    const codec = hixie75.createCodec('client', { maxPayload: 1024, rng: seededRng(1) });
    client.attach(codec);
    await client.write(codec.encode({ type: 'text', data: 'please close' }));
    await client.until(() => client.ended, 'the server to end TCP');
    expect(client.events).toEqual([{ type: 'close', code: 1005, reason: '' }]);
    expect(codec.state).toBe('closed');
  });
});
