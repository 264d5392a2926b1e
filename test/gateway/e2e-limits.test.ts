// Idle timeouts per side, a fast client behind a slow upstream (backpressure toward the client), and drop mode.
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { closed, closeGateway, echoUpstream, nextMessage, open, startGateway, until } from './helpers.js';

describe('gateway limits', () => {
  it('client idle timeout: both sides closed with 1001', async () => {
    const codes: number[] = [];
    const up = await echoUpstream();
    up.wss.on('connection', (ws) => ws.on('close', (c) => codes.push(c)));
    const { gw, url } = await startGateway({ upstream: up.url, clientIdleTimeout: 200 });
    const conn = await open(url, 'rfc6455');
    const started = Date.now();
    // Activity keeps it open past the timeout.
    for (let i = 0; i < 3; i++) {
      const r = nextMessage(conn);
      conn.send('tick');
      await r;
      await new Promise((res) => setTimeout(res, 100));
    }
    const c = await closed(conn);
    expect(Date.now() - started).toBeGreaterThan(300);
    expect(c.code).toBe(1001);
    await until(() => codes.length === 1);
    expect(codes).toEqual([1001]);
    await closeGateway(gw);
    await up.close();
  });

  it('upstream idle timeout closes a silent upstream even when the client talks to nobody', async () => {
    const up = await echoUpstream({ handle: () => {} });
    const { gw, url } = await startGateway({ upstream: up.url, upstreamIdleTimeout: 150 });
    const conn = await open(url, 'hybi-07');
    const done = closed(conn);
    conn.send('into the void');
    expect((await done).code).toBe(1001);
    await closeGateway(gw);
    await up.close();
  });

  it('drop mode discards upstream binary for hixie clients and keeps the text', async () => {
    const up = await echoUpstream({
      handle: (ws) =>
        ws.on('message', () => {
          ws.send(Buffer.from([1]), { binary: true });
          ws.send('after the binary');
        }),
    });
    const { gw, url } = await startGateway({ upstream: up.url, binaryToLegacy: 'drop' });
    const conn = await open(url, 'hixie-75');
    const got = nextMessage(conn);
    conn.send('go');
    expect(await got).toEqual({ data: Buffer.from('after the binary'), isBinary: false });
    expect(gw.metrics.binaryToLegacy.drop).toBe(1);
    conn.close();
    await closed(conn);
    await closeGateway(gw);
    await up.close();
  });

  it('fast client, slow upstream: the client is paused, memory bounded, every message arrives in order', async () => {
    const HWM = 128 * 1024;
    const SIZE = 32 * 1024;
    const COUNT = 400;
    let upstreamWs: WebSocket | undefined;
    const received: number[] = [];
    const up = await echoUpstream({
      handle: (ws) => {
        upstreamWs = ws;
        ws.pause();
        ws.on('message', (d: Buffer) => received.push(d.readUInt32BE(0)));
      },
    });
    const { gw, url } = await startGateway({ upstream: up.url, highWaterMark: HWM });
    const conn = await open(url, 'rfc6455');
    for (let i = 0; i < COUNT; i++) {
      const b = Buffer.alloc(SIZE);
      b.writeUInt32BE(i, 0);
      conn.send(b);
    }
    let maxHeld = 0;
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline) {
      maxHeld = Math.max(maxHeld, gw.bufferedAmount);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(maxHeld).toBeLessThanOrEqual(HWM + 4 * SIZE + 64 * 1024);
    // The rest waits in the client's own buffer, not in the gateway.
    expect(conn.bufferedAmount).toBeGreaterThan(COUNT * SIZE * 0.5);
    upstreamWs!.resume();
    await until(() => received.length === COUNT, 20_000);
    expect(received).toEqual([...Array(COUNT).keys()]);
    conn.close();
    await closed(conn);
    await closeGateway(gw);
    await up.close();
  }, 30_000);
});
