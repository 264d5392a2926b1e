// binaryType, side by side: the same server code on npm `ws` and on wscompat/ws, fed by an npm `ws` client,
// must hand its 'message' listeners the same kinds of data with the same bytes. 'fragments' may split a
// message differently (wscompat: as it arrived, uncopied; ws: per frame), so it compares joined.
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WsClient, { WebSocketServer as RealServer } from 'ws';
import { WebSocketServer as CompatServer } from 'wscompat/ws';
import { once, until } from '../node/helpers.js';

/** 'blob' too: ws 8.17+ takes it at run time, though its types (and @types/ws) leave it out. */
type BinaryType = 'nodebuffer' | 'arraybuffer' | 'fragments' | 'blob';

type Seen = { kind: string; isBinary: boolean; sha: string };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const digest = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex').slice(0, 12);

/** What a listener can observe of one message: its kind and its bytes. */
async function describeData(data: unknown, isBinary: boolean): Promise<Seen> {
  if (data instanceof Blob)
    return { kind: 'Blob', isBinary, sha: digest(new Uint8Array(await data.arrayBuffer())) };
  if (Buffer.isBuffer(data)) return { kind: 'Buffer', isBinary, sha: digest(data) };
  if (data instanceof ArrayBuffer)
    return { kind: 'ArrayBuffer', isBinary, sha: digest(new Uint8Array(data)) };
  if (Array.isArray(data) && data.every((d) => Buffer.isBuffer(d)))
    return { kind: 'Buffer[]', isBinary, sha: digest(Buffer.concat(data)) };
  return { kind: typeof data, isBinary, sha: '' };
}

const big = Buffer.alloc(1024 * 1024);
for (let i = 0; i < big.length; i++) big[i] = (i * 7919) >>> 5;

/** What this test uses of either library's server-side socket. */
interface SocketLike {
  binaryType: string;
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
}

function serve(
  impl: 'ws' | 'wscompat',
  perMessageDeflate: boolean,
  onSocket: (ws: SocketLike) => void,
): RealServer | CompatServer {
  const options = { port: 0, host: '127.0.0.1', perMessageDeflate };
  if (impl === 'ws') return new RealServer(options).on('connection', onSocket);
  return new CompatServer(options).on('connection', onSocket);
}

/** Send a fixed mix through an npm `ws` client; returns what the server side's listener received. */
async function run(
  impl: 'ws' | 'wscompat',
  binaryType: BinaryType,
  perMessageDeflate: boolean,
): Promise<{ seen: Seen[]; pieces: number[] }> {
  const seen: Promise<Seen>[] = [];
  const pieces: number[] = [];
  const wss = serve(impl, perMessageDeflate, (ws) => {
    ws.binaryType = binaryType;
    ws.on('message', (data, isBinary) => {
      seen.push(describeData(data, isBinary));
      pieces.push(Array.isArray(data) ? data.length : 1);
    });
  });
  cleanups.push(() => new Promise((r) => wss.close(() => r(undefined))));
  await once(wss, 'listening');
  const client = new WsClient(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, {
    perMessageDeflate,
  });
  cleanups.push(() => client.terminate());
  await once(client, 'open');
  client.send('héllo');
  client.send('ü'.repeat(200_000));
  client.send(Buffer.from([1, 2, 3]));
  client.send(big);
  client.send(big.subarray(0, 300_000), { fin: false });
  client.send(big.subarray(300_000, 300_010), { fin: false });
  client.send(big.subarray(300_010, 700_000), { fin: true });
  await until(() => seen.length === 5);
  return { seen: await Promise.all(seen), pieces };
}

describe.each([false, true])('binaryType against ws 8 (perMessageDeflate %s)', (deflate) => {
  it.each(['nodebuffer', 'arraybuffer', 'fragments', 'blob'] as const)(
    '%s: same kinds and bytes as ws',
    async (type) => {
      const real = await run('ws', type, deflate);
      const compat = await run('wscompat', type, deflate);
      expect(compat.seen).toEqual(real.seen);
      // Text is one Buffer whatever binaryType says (ws 8).
      expect(compat.seen.slice(0, 2).map((s) => s.kind)).toEqual(['Buffer', 'Buffer']);
      if (type === 'fragments' && !deflate) {
        // The 1 MiB message came in many socket reads and is handed over as them, not copied into one Buffer.
        expect(compat.pieces[3]).toBeGreaterThan(1);
        expect(compat.pieces[4]).toBeGreaterThan(1);
      }
    },
  );
});

describe('switching binaryType on an open connection', () => {
  it('takes effect from the next message, in both directions', async () => {
    const wss = new CompatServer({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => new Promise((r) => wss.close(() => r(undefined))));
    await once(wss, 'listening');
    const kinds: string[] = [];
    wss.on('connection', (ws) => {
      ws.binaryType = 'fragments';
      ws.on('message', (data: unknown) => {
        kinds.push(Array.isArray(data) ? 'Buffer[]' : Buffer.isBuffer(data) ? 'Buffer' : typeof data);
        ws.binaryType = ws.binaryType === 'fragments' ? 'nodebuffer' : 'fragments';
      });
    });
    const client = new WsClient(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    cleanups.push(() => client.terminate());
    await once(client, 'open');
    for (let i = 0; i < 4; i++) client.send(big);
    await until(() => kinds.length === 4);
    expect(kinds).toEqual(['Buffer[]', 'Buffer', 'Buffer[]', 'Buffer']);
  });
});
