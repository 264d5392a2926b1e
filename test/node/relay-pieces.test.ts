// receiveParts + sendParts over loopback: a server relays binary messages as the pieces they arrived in, to
// an npm `ws` client (RFC 6455, with and without permessage-deflate) and to a hixie-76 client.
import { afterEach, describe, expect, it } from 'vitest';
import WsClient from 'ws';
import { connect } from '../../src/node/client.js';
import { createServer } from '../../src/node/server.js';
import { seededBytes } from '../hybi/helpers.js';
import { closeServer, listening, once, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A server that echoes binary messages with sendParts, as 'messageParts' handed them over. */
async function relayServer(options: { perMessageDeflate?: boolean; binaryToLegacy?: 'base64' } = {}) {
  const pieceCounts: number[] = [];
  const server = createServer({ port: 0, host: '127.0.0.1', ...options }, (conn) => {
    conn.receiveParts = true;
    conn.on('messageParts', (parts) => {
      pieceCounts.push(parts.length);
      conn.sendParts(parts);
    });
    conn.on('message', (data, isBinary) => conn.send(data, { binary: isBinary }));
  });
  cleanups.push(() => closeServer(server));
  return { port: await listening(server), pieceCounts };
}

describe('relaying binary messages as pieces', () => {
  it.each([false, true])(
    'a ws client gets back exactly what it sent (permessage-deflate %s)',
    async (deflate) => {
      const { port, pieceCounts } = await relayServer({ perMessageDeflate: deflate });
      const ws = new WsClient(`ws://127.0.0.1:${port}`, { perMessageDeflate: deflate });
      cleanups.push(() => ws.terminate());
      await once(ws, 'open');
      const sent = [seededBytes(1024 * 1024, 1), seededBytes(10, 2), seededBytes(200_000, 3)];
      const got: Buffer[] = [];
      ws.on('message', (data: Buffer) => got.push(data));
      for (const s of sent) ws.send(s);
      ws.send('text stays text');
      await until(() => got.length === 4);
      expect(got.slice(0, 3).map((g, i) => g.equals(sent[i]!))).toEqual([true, true, true]);
      expect(String(got[3])).toBe('text stays text');
      // Uncompressed, the 1 MiB message came (and went back) as many socket reads.
      if (!deflate) expect(pieceCounts[0]).toBeGreaterThan(1);
    },
  );

  it('toward hixie-76, pieces follow binaryToLegacy like any binary message', async () => {
    const server = createServer({ port: 0, host: '127.0.0.1', binaryToLegacy: 'base64' }, (conn) => {
      conn.sendParts([Buffer.from([1, 2]), Buffer.from([3])]);
    });
    cleanups.push(() => closeServer(server));
    const client = connect(`ws://127.0.0.1:${await listening(server)}`, { draft: 'hixie-76' });
    cleanups.push(() => client.terminate());
    const [data] = await once<[Buffer]>(client, 'message');
    expect(String(data)).toBe(Buffer.from([1, 2, 3]).toString('base64'));
  });

  it('refuses what is not an array of byte views', async () => {
    const thrown: unknown[] = [];
    const server = createServer({ port: 0, host: '127.0.0.1' }, (conn) => {
      for (const bad of ['nope', [Buffer.from([1]), 'x']])
        try {
          conn.sendParts(bad as never);
        } catch (err) {
          thrown.push(err);
        }
    });
    cleanups.push(() => closeServer(server));
    const ws = new WsClient(`ws://127.0.0.1:${await listening(server)}`);
    cleanups.push(() => ws.terminate());
    await once(ws, 'open');
    await until(() => thrown.length === 2);
    expect(thrown.every((e) => e instanceof TypeError)).toBe(true);
  });
});
