// Child process: a wscompat server on one TLS port speaking HTTP/2 (RFC 8441) and HTTP/1.1, holding every
// WebSocket open; reports its memory (after two full GCs) when asked.
import type { AddressInfo } from 'node:net';
import { createServer } from '../../src/node/server.js';
import { childConfig, childMain, toParent } from '../lib/child.js';

export interface H2ServerConfig {
  readonly cert: string;
  readonly key: string;
}

childMain(async () => {
  const cfg = childConfig<H2ServerConfig>();
  const server = createServer(
    { port: 0, http2: true, tls: { cert: cfg.cert, key: cfg.key }, maxPayload: 1 << 20 },
    (conn) => {
      conn.on('message', (data: Buffer, isBinary: boolean) => conn.send(data, { binary: isBinary }));
      conn.on('error', () => {});
    },
  );
  await new Promise<void>((r) => server.once('listening', () => r()));
  toParent({ type: 'ready', port: (server.address() as AddressInfo).port });
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'mem') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    toParent({ type: 'mem', rss: m.rss, heapUsed: m.heapUsed, open: server.clients.size });
  });
});
