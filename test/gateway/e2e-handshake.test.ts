// The window between a client's verification (its upstream opened) and its open connection: nothing the
// upstream sends meanwhile is lost, an upstream dying meanwhile ends the pairing, a hixie-76 client gets
// its 101 head at once but opens no upstream before its key3, and a client that goes away releases its
// upstream and its place.
import { once } from 'node:events';
import { createServer as createNetServer, connect as netConnect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseResponseHead } from '../../src/core/http-head.js';
import { seededRng } from '../../src/core/rng.js';
import type { CodecEvent } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';
import { connect } from '../../src/node/client.js';
import { closeGateway, echoUpstream, roundTrip, startGateway, until } from './helpers.js';

/** A raw hixie-76 client that sends its head now and its key3 when told; decodes what comes back. */
function hixie76(port: number) {
  const request = getDraft('hixie-76').buildRequest({
    url: new URL(`ws://127.0.0.1:${port}/`),
    protocols: [],
    rng: seededRng(9),
  });
  const key3At = request.bytes.length - 8;
  const sock: Socket = netConnect(port, '127.0.0.1');
  sock.on('error', () => {});
  sock.write(request.bytes.subarray(0, key3At));
  let received = Buffer.alloc(0);
  sock.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
  });
  return {
    sock,
    closed: once(sock, 'close'),
    sendKey3: () => sock.write(request.bytes.subarray(key3At)),
    /** The status line once the head is in. */
    status: async (): Promise<number> => {
      await until(() => parseResponseHead(received).kind === 'head');
      const parsed = parseResponseHead(received);
      return parsed.kind === 'head' ? parsed.head.status : 0;
    },
    /** Frames after the 101 head and the 16-byte answer. */
    events: (): CodecEvent[] => {
      const parsed = parseResponseHead(received);
      if (parsed.kind !== 'head' || received.length < parsed.consumed + 16) return [];
      const c = getDraft('hixie-76').createCodec('client', { maxPayload: 1 << 20, rng: seededRng(1) });
      return c.push(received.subarray(parsed.consumed + 16));
    },
  };
}

describe('gateway handshake window', () => {
  it('an upstream greeting sent before the client finished its handshake reaches the client first', async () => {
    const up = await echoUpstream({
      handle: (ws) => {
        ws.send('hello first');
        ws.on('message', (d) => ws.send(d, { binary: false }));
      },
    });
    const { gw } = await startGateway({ upstream: up.url });
    const client = hixie76(gw.address().port);
    // The 101 head comes before key3 (proxies hold key3 until they see it); the upstream waits for key3.
    expect(await client.status()).toBe(101);
    await new Promise((r) => setTimeout(r, 100));
    expect(up.seen).toHaveLength(0);
    client.sendKey3();
    // The upstream greets as soon as it is connected, before the gateway has paired it with the client.
    await until(() => up.seen.length === 1);
    await until(() => client.events().length >= 1);
    expect(client.events()[0]).toEqual({ type: 'text', data: Buffer.from('hello first') });
    client.sock.destroy();
    await closeGateway(gw);
    await up.close();
  });

  it('an upstream that dies before the client finished its handshake ends the pairing', async () => {
    const up = await echoUpstream({ handle: (ws) => ws.terminate() });
    const { gw, logs } = await startGateway({ upstream: up.url });
    const client = hixie76(gw.address().port);
    expect(await client.status()).toBe(101);
    client.sendKey3();
    await until(() => up.seen.length === 1);
    // The gateway starts the hixie-76 closing handshake (FF 00) toward the client at once.
    await until(() => client.events().some((e) => e.type === 'close'));
    client.sock.destroy();
    await until(() => gw.connections === 0);
    const close = logs.find((l) => l.event === 'close');
    expect(close).toMatchObject({ by: 'upstream', code: 1006 });
    await closeGateway(gw);
    await up.close();
  });

  it('a hixie-76 client whose key3 never comes opens no upstream and is dropped after the timeout', async () => {
    const up = await echoUpstream();
    const { gw, url } = await startGateway({ upstream: up.url, handshakeTimeout: 150, connectTimeout: 100 });
    const client = hixie76(gw.address().port);
    expect(await client.status()).toBe(101);
    await client.closed;
    expect(up.seen).toHaveLength(0);
    expect(gw.connections).toBe(0);
    expect(await roundTrip(url, 'rfc6455', 'next')).toBe('next');
    await closeGateway(gw);
    await up.close();
  });

  it('a client leaving while its upstream is still connecting: the attempt is dropped at once', async () => {
    // An upstream that takes the request and never answers, as a stuck backend would.
    const requests: Socket[] = [];
    const ended: Socket[] = [];
    const stuck = createNetServer((s) => {
      s.once('data', () => requests.push(s));
      s.on('close', () => ended.push(s));
    }).listen(0, '127.0.0.1');
    await once(stuck, 'listening');
    const { port } = stuck.address() as import('node:net').AddressInfo;
    const { gw, url, logs } = await startGateway({
      upstream: `ws://127.0.0.1:${port}`,
      connectTimeout: 5000,
    });
    const leaving = connect(url);
    leaving.on('error', () => {});
    await until(() => requests.length === 1);
    const left = Date.now();
    leaving.terminate();
    // Well before connectTimeout: the gateway gave up its upstream because its client went away.
    await until(() => ended.length === 1, 2000);
    expect(Date.now() - left).toBeLessThan(1000);
    expect(logs.filter((l) => l.event === 'open')).toHaveLength(0);
    const started = Date.now();
    await closeGateway(gw);
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((r) => stuck.close(r));
  });
});
