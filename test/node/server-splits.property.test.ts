// Property: whatever TCP segmentation the client's bytes get (head, key3, frames), the server echoes them intact.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResponseHead } from '../../src/core/http-head.js';
import { seededRng } from '../../src/core/rng.js';
import type { DraftId } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';
import type { WsServer } from '../../src/node/server.js';
import { runs } from '../support/fc-runs.js';
import { closeServer, delay, RawClient, startEchoServer } from './helpers.js';

let server: WsServer;
let port: number;
beforeAll(async () => {
  ({ server, port } = await startEchoServer());
});
afterAll(() => closeServer(server));

/** Cuts `bytes` at the given fractions into non-empty segments. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))]
    .filter((p) => p > 0 && p < bytes.length)
    .sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  return out;
}

describe('server at random segment boundaries', () => {
  it.each(['hixie-76', 'hixie-75', 'rfc6455', 'hybi-07'] as DraftId[])(
    '%s: handshake + 3 messages',
    async (draftId) => {
      const draft = getDraft(draftId);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
          fc.array(fc.string({ maxLength: 40 }), { minLength: 3, maxLength: 3 }),
          async (seed, cuts, texts) => {
            const request = draft.buildRequest({
              url: new URL(`ws://127.0.0.1:${port}/split`),
              protocols: [],
              origin: 'http://example.com',
              rng: seededRng(seed),
            });
            const peer = draft.createCodec('client', { maxPayload: 1 << 20, rng: seededRng(seed + 1) });
            const frames = texts.map((t) => peer.encode({ type: 'text', data: t }));
            const client = new RawClient(port);
            try {
              for (const segment of split(Buffer.concat([request.bytes, ...frames]), cuts)) {
                client.write(segment);
                await delay(1);
              }
              await client.head();
              const parsed = parseResponseHead(client.received);
              if (parsed.kind !== 'head') throw new Error('no response head');
              const bodyEnd = parsed.consumed + request.responseBodyLength;
              const expected = Buffer.concat(
                texts.map((t) =>
                  getDraft(draftId)
                    .createCodec('server', { maxPayload: 1 << 20, rng: seededRng(1) })
                    .encode({ type: 'text', data: t }),
                ),
              );
              const all = await client.atLeast(bodyEnd + expected.length);
              const verdict = request.verify(
                parsed.head,
                all.subarray(parsed.consumed, bodyEnd),
                all.subarray(0, parsed.consumed),
              );
              expect(verdict.ok).toBe(true);
              const events = peer.push(Buffer.from(all.subarray(bodyEnd)));
              expect(events.map((e) => (e.type === 'text' ? String(e.data) : e.type))).toEqual(texts);
            } finally {
              client.destroy();
            }
          },
        ),
        { numRuns: runs(15) },
      );
    },
    60_000,
  );
});
