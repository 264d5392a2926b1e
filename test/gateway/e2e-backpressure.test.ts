// A slow client behind a fast upstream: the gateway stops reading the upstream past its high-water mark,
// holds a bounded number of bytes, and delivers every byte in order once the client reads again.
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/core/rng.js';
import { getDraft } from '../../src/drafts.js';
import { closeGateway, echoUpstream, startGateway, until } from './helpers.js';

const MESSAGE = 64 * 1024;
const COUNT = 300; // about 19 MiB
const HWM = 256 * 1024;

describe('backpressure', () => {
  it('slow client, fast upstream: memory bounded, no byte lost', async () => {
    let upstreamSocket: import('ws').WebSocket | undefined;
    const up = await echoUpstream({ handle: (ws) => (upstreamSocket = ws) });
    const { gw } = await startGateway({ upstream: up.url, highWaterMark: HWM });
    const sock = netConnect(gw.address().port, '127.0.0.1');
    sock.setNoDelay(true);
    const rng = seededRng(7);
    const request = getDraft('rfc6455').buildRequest({ url: new URL('ws://127.0.0.1/'), protocols: [], rng });
    sock.write(request.bytes);
    const [first] = (await once(sock, 'data')) as [Buffer];
    expect(first.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    // The client stops reading: its receive window and the gateway's send buffer fill up.
    sock.pause();
    await until(() => upstreamSocket !== undefined);
    for (let i = 0; i < COUNT; i++) {
      const payload = Buffer.alloc(MESSAGE, i % 251);
      payload.writeUInt32BE(i, 0);
      upstreamSocket!.send(payload, { binary: true });
    }
    // Give the upstream time to push all it can; sample what the gateway holds meanwhile.
    let maxHeld = 0;
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) {
      maxHeld = Math.max(maxHeld, gw.bufferedAmount);
      await new Promise((r) => setTimeout(r, 10));
    }
    // Bounded: the mark, plus at most one socket read's worth of frames relayed after the pause.
    expect(maxHeld).toBeLessThanOrEqual(HWM + 2 * MESSAGE + 64 * 1024);
    // The pressure reached the upstream: most of the data is still waiting there.
    expect(upstreamSocket!.bufferedAmount).toBeGreaterThan(COUNT * MESSAGE * 0.5);

    const codec = getDraft('rfc6455').createCodec('client', { maxPayload: 1 << 20, rng });
    const got: Buffer[] = [];
    const leftover = first.subarray(first.indexOf('\r\n\r\n') + 4);
    for (const e of codec.push(leftover)) if (e.type === 'binary') got.push(e.data);
    sock.on('data', (chunk: Buffer) => {
      for (const e of codec.push(chunk)) if (e.type === 'binary') got.push(e.data);
    });
    sock.resume();
    await until(() => got.length === COUNT, 20_000);
    got.forEach((m, i) => {
      expect(m.length).toBe(MESSAGE);
      expect(m.readUInt32BE(0)).toBe(i);
      expect(m[MESSAGE - 1]).toBe(i % 251);
    });
    sock.destroy();
    await closeGateway(gw);
    await up.close();
  }, 30_000);
});
