// Volume through our server with the ws client: one 64 MiB message, and 100,000 pipelined small ones.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WsServer } from '../../src/node/server.js';
import { closeServer, once, startEchoServer } from '../node/helpers.js';

let server: WsServer;
let port: number;

beforeAll(async () => {
  ({ server, port } = await startEchoServer());
});
afterAll(() => closeServer(server));

async function open(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/volume`);
  await once(ws, 'open');
  return ws;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('volume', () => {
  it('a 64 MiB binary message echoes intact', { timeout: 60_000 }, async () => {
    const ws = await open();
    const payload = randomBytes(64 * 1024 * 1024);
    const reply = once<[Buffer, boolean]>(ws, 'message', 50_000);
    ws.send(payload);
    const [data, isBinary] = await reply;
    expect(isBinary).toBe(true);
    expect(data.length).toBe(payload.length);
    expect(sha(data)).toBe(sha(payload));
    ws.close();
    await once(ws, 'close');
  });

  it('100,000 pipelined small messages echo intact and in order', { timeout: 60_000 }, async () => {
    const ws = await open();
    const count = 100_000;
    let received = 0;
    let outOfOrder = 0;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received} of ${count} echoed`)), 50_000);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        const expected = isBinary ? `b${received}` : `t${received}`;
        if (String(data) !== expected || isBinary !== (received % 2 === 1)) outOfOrder++;
        if (++received === count) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    for (let i = 0; i < count; i++) {
      if (i % 2 === 0) ws.send(`t${i}`);
      else ws.send(Buffer.from(`b${i}`));
    }
    await done;
    expect([received, outOfOrder]).toEqual([count, 0]);
    ws.close();
    await once(ws, 'close');
  });
});
