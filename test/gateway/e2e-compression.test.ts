// End to end on loopback: each side of the gateway negotiates its own compression. A legacy
// x-webkit-deflate-frame client (as Safari 6-7 / Chrome 16-31) and a permessage-deflate client behind an
// npm ws upstream that speaks permessage-deflate; messages cross inflated, compressed again on each side.
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { Connection } from '../../src/connection/connection.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { connect } from '../../src/node/client.js';
import type { PerMessageDeflateOptions } from '../../src/node/compression-options.js';
import { jsonLike } from '../hybi/compression-helpers.js';
import { closed, closeGateway, nextMessage, startGateway } from './helpers.js';

let wss: WebSocketServer;
let gw: Gateway;
let url: string;
const offers: (string | undefined)[] = [];
const upstreamSockets: Socket[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
  wss.on('connection', (ws, req) => {
    offers.push(req.headers['sec-websocket-extensions'] as string | undefined);
    upstreamSockets.push(req.socket);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await once(wss, 'listening');
  const { port } = wss.address() as AddressInfo;
  ({ gw, url } = await startGateway({
    upstream: `ws://127.0.0.1:${port}`,
    perMessageDeflate: { threshold: 0 },
    upstreamPerMessageDeflate: { threshold: 0 },
  }));
});
afterAll(async () => {
  await closeGateway(gw);
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
});

async function openCompressed(
  draft: 'rfc6455' | 'hybi-10',
  pmd: PerMessageDeflateOptions,
): Promise<Connection> {
  const conn = connect(url, { draft, perMessageDeflate: pmd });
  await new Promise<void>((resolve, reject) => {
    conn.once('open', () => resolve());
    conn.once('error', reject);
  });
  return conn;
}

describe('compression through the gateway', () => {
  for (const [label, pmd, expected] of [
    ['legacy x-webkit-deflate-frame client', { deflateFrame: true, threshold: 0 }, 'x-webkit-deflate-frame'],
    ['permessage-deflate client', { threshold: 0 }, 'permessage-deflate'],
  ] as const)
    for (const draft of ['rfc6455', 'hybi-10'] as const)
      it(`${label} (${draft}) behind a permessage-deflate upstream`, async () => {
        const conn = await openCompressed(draft, pmd);
        expect(conn.extensions).toBe(expected);
        expect(offers.at(-1)).toBe('permessage-deflate; client_max_window_bits');
        const socket = upstreamSockets.at(-1)!;
        const text = jsonLike(100_000, 5);
        for (const m of [text, 'short ✓', text]) {
          const reply = nextMessage(conn);
          conn.send(m);
          expect(String((await reply).data)).toBe(m);
        }
        // The upstream read the two 100 KB messages compressed, not raw.
        expect(socket.bytesRead).toBeLessThan(60_000);
        const done = closed(conn);
        conn.close(1000);
        expect((await done).code).toBe(1000);
      });
});
