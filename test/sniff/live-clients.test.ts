// What real client libraries send today, captured over loopback and sniffed (ws, WebSocket-Node, websocket-driver).
import { once } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import wsNode from 'websocket';
import WebSocket from 'ws';
import { findHeadEnd, parseRequestHead } from '../../src/core/http-head.js';
import type { DraftId } from '../../src/core/types.js';
import { inspect } from '../../src/sniff/inspect.js';
import { sniff } from '../../src/sniff/sniff.js';

/** websocket-driver ships no types: only the client surface used here. */
const driver = createRequire(import.meta.url)('websocket-driver') as {
  client(url: string): { io: NodeJS.ReadWriteStream; start(): boolean };
};

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
});

/** A TCP server that reads one request head (plus whatever came with it), then hangs up. */
async function captureOne(start: (url: string) => void): Promise<Buffer> {
  const server = net.createServer();
  cleanups.push(() => server.close());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const got = new Promise<Buffer>((resolve, reject) => {
    server.once('connection', (socket) => {
      cleanups.push(() => socket.destroy());
      let buf = Buffer.alloc(0);
      socket.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (findHeadEnd(buf, 16384) >= 0) {
          socket.destroy();
          resolve(buf);
        } else if (buf.length > 16384) reject(new Error('no head end'));
      });
      socket.on('error', reject);
    });
  });
  start(`ws://127.0.0.1:${port}/chat?x=1`);
  return got;
}

function check(bytes: Buffer, draft: DraftId): void {
  const parsed = parseRequestHead(bytes);
  if (parsed.kind !== 'head') throw new Error(`unparseable: ${bytes.toString('latin1')}`);
  expect(sniff(parsed.head)).toMatchObject({ kind: 'websocket', draft });
  const errors = inspect(parsed.head, bytes.subarray(parsed.consumed)).problems.filter(
    (p) => p.severity === 'error',
  );
  expect(errors).toEqual([]);
}

describe('live clients over loopback', () => {
  for (const [version, draft] of [
    [13, 'rfc6455'],
    [8, 'hybi-10'],
  ] as const) {
    it(`ws protocolVersion ${version} -> ${draft}`, async () => {
      const bytes = await captureOne((url) => {
        const client = new WebSocket(url, ['chat'], {
          protocolVersion: version,
          origin: 'http://example.com',
        });
        client.on('error', () => {});
        cleanups.push(() => client.terminate());
      });
      check(bytes, draft);
    });
  }

  for (const [version, draft] of [
    [13, 'rfc6455'],
    [8, 'hybi-10'],
  ] as const) {
    it(`WebSocket-Node webSocketVersion ${version} -> ${draft}`, async () => {
      const bytes = await captureOne((url) => {
        const client = new wsNode.client({ webSocketVersion: version });
        client.on('connectFailed', () => {});
        client.connect(url, 'echo-protocol', 'http://example.com');
        cleanups.push(() => client.abort());
      });
      check(bytes, draft);
    });
  }

  it('websocket-driver client -> rfc6455', async () => {
    const bytes = await captureOne((url) => {
      const d = driver.client(url);
      const { port } = new URL(url);
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.on('error', () => {});
      d.io.pipe(socket);
      cleanups.push(() => socket.destroy());
      d.start();
    });
    check(bytes, 'rfc6455');
  });
});
