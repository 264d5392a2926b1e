// permessage-deflate through the hybi codec: round trips for every parameter combination at random splits,
// fragmented compressed messages, the RSV1 rules of RFC 7692 §6, inflation limits and arbitrary input.
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/core/rng.js';
import type { CodecEvent, OutboundMessage } from '../../src/core/types.js';
import { ZlibCompression } from '../../src/extensions/zlib-compression.js';
import { hybi07 } from '../../src/hybi07/index.js';
import { hybi10 } from '../../src/hybi10/index.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { CLIENT_POLICIES, compressedCodec, negotiatePair, SETTINGS } from './compression-helpers.js';
import { codecFor, feedSplit, onlyFail, plain, rawFrame } from './helpers.js';

const DRAFTS = [rfc6455, hybi10, hybi07];
const MASK = [1, 2, 3, 4];

const message = fc.oneof(
  fc.record({
    type: fc.constant('text' as const),
    data: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.constantFrom('', 'a'.repeat(5000))),
    compress: fc.option(fc.boolean(), { nil: undefined }),
  }),
  fc.record({
    type: fc.constant('binary' as const),
    data: fc.uint8Array({ maxLength: 600 }),
    compress: fc.option(fc.boolean(), { nil: undefined }),
  }),
);

function expectedOf(m: OutboundMessage): unknown {
  if (m.type !== 'text' && m.type !== 'binary') throw new Error('data only');
  return { type: m.type, hex: Buffer.from(m.data as string).toString('hex') };
}

const deflate = (data: Buffer): Buffer => {
  const out = deflateRawSync(data, { finishFlush: 2 });
  return out.subarray(0, out.length - 4);
};

describe.each(DRAFTS)('$id: permessage-deflate codec', (draft) => {
  it('round trips random messages both ways, every parameter combination, random chunk splits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CLIENT_POLICIES),
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat({ max: 20_000 }), { maxLength: 6 }),
        (policy, messages, cuts) => {
          const n = negotiatePair(policy);
          for (const [from, to] of [
            ['client', 'server'],
            ['server', 'client'],
          ] as const) {
            const sender = compressedCodec(draft, from, n[from]);
            const receiver = compressedCodec(draft, to, n[to]);
            const wire = Buffer.concat(messages.map((m) => sender.encode(m)));
            expect(plain(feedSplit(receiver, wire, cuts))).toEqual(messages.map(expectedOf));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sets RSV1 only on compressed messages: compress:false and the threshold send plain frames', () => {
    const n = negotiatePair(CLIENT_POLICIES[0]!);
    const server = draft.createCodec('server', {
      maxPayload: 1 << 20,
      rng: seededRng(1),
      compression: new ZlibCompression(n.server, { ...SETTINGS, threshold: 10 }),
    });
    expect(server.encode({ type: 'text', data: 'short' })[0]).toBe(0x81);
    expect(server.encode({ type: 'text', data: 'long enough text', compress: false })[0]).toBe(0x81);
    expect(server.encode({ type: 'text', data: 'long enough text' })[0]).toBe(0xc1);
    expect(server.encode({ type: 'ping', data: Buffer.from('x') })[0]).toBe(0x89);
  });

  it('inflates a fragmented compressed message, control frames between its fragments (RFC 7692 §7.2.2)', () => {
    const n = negotiatePair(CLIENT_POLICIES[0]!);
    const server = compressedCodec(draft, 'server', n.server);
    const text = 'fragmented ✓ '.repeat(50);
    const z = deflate(Buffer.from(text));
    const third = Math.ceil(z.length / 3);
    const wire = Buffer.concat([
      rawFrame({ opcode: 1, rsv: 4, fin: false, payload: z.subarray(0, third), mask: MASK }),
      rawFrame({ opcode: 9, payload: 'p', mask: MASK }),
      rawFrame({ opcode: 0, fin: false, payload: z.subarray(third, 2 * third), mask: MASK }),
      rawFrame({ opcode: 0, payload: z.subarray(2 * third), mask: MASK }),
    ]);
    const events = plain(server.push(wire)).filter((e) => (e as { type: string }).type !== 'send');
    expect(events).toEqual([
      { type: 'ping', hex: Buffer.from('p').toString('hex') },
      { type: 'text', hex: Buffer.from(text).toString('hex') },
    ]);
  });

  it('fails with 1002 on RSV1 on a control frame or a continuation, and without negotiation', () => {
    const n = negotiatePair(CLIENT_POLICIES[0]!);
    const control = compressedCodec(draft, 'client', n.client);
    expect(onlyFail(control.push(rawFrame({ opcode: 9, rsv: 4, payload: 'x' })))).toEqual({
      fault: 'RESERVED_BITS',
      closeCode: 1002,
    });
    const continuation = compressedCodec(draft, 'client', n.client);
    const z = deflate(Buffer.from('hello'));
    const events = continuation.push(
      Buffer.concat([
        rawFrame({ opcode: 1, rsv: 4, fin: false, payload: z.subarray(0, 2) }),
        rawFrame({ opcode: 0, rsv: 4, payload: z.subarray(2) }),
      ]),
    );
    expect(onlyFail(events)).toEqual({ fault: 'RESERVED_BITS', closeCode: 1002 });
    const plainCodec = codecFor(draft, 'client');
    expect(onlyFail(plainCodec.push(rawFrame({ opcode: 1, rsv: 4, payload: z })))).toEqual({
      fault: 'RESERVED_BITS',
      closeCode: 1002,
    });
    const rsv2 = compressedCodec(draft, 'client', n.client);
    expect(onlyFail(rsv2.push(rawFrame({ opcode: 1, rsv: 2, payload: 'x' })))).toEqual({
      fault: 'RESERVED_BITS',
      closeCode: 1002,
    });
  });

  it('stops a zip bomb at maxPayload: 10 MB of zeros never allocates much past the limit', () => {
    const limit = 1 << 20;
    const n = negotiatePair(CLIENT_POLICIES[0]!);
    const bomb = deflate(Buffer.alloc(10 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(12_000);
    const client = compressedCodec(draft, 'client', n.client, limit);
    const before = process.memoryUsage().arrayBuffers;
    const events = client.push(rawFrame({ opcode: 2, rsv: 4, payload: bomb }));
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(onlyFail(events)).toEqual({
      fault: 'MESSAGE_TOO_BIG',
      closeCode: draft.id === 'rfc6455' ? 1009 : 1004,
    });
    // zlib's output chunks stop at the first one past the limit (16 KiB each).
    expect(grown).toBeLessThan(limit + 512 * 1024);
    // Exactly at the limit is still fine.
    const ok = compressedCodec(draft, 'client', n.client, limit);
    const atLimit = ok.push(rawFrame({ opcode: 2, rsv: 4, payload: deflate(Buffer.alloc(limit)) }));
    expect(atLimit.map((e) => e.type)).toEqual(['binary']);
  });

  it('arbitrary compressed payloads never throw and give at most one fail', () => {
    const n = negotiatePair(CLIENT_POLICIES[0]!);
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (payloads, text) => {
          const client = compressedCodec(draft, 'client', n.client, 4096);
          const events: CodecEvent[] = [];
          for (const p of payloads)
            events.push(...client.push(rawFrame({ opcode: text ? 1 : 2, rsv: 4, payload: p })));
          expect(events.filter((e) => e.type === 'fail').length).toBeLessThanOrEqual(1);
          const fail = events.find((e) => e.type === 'fail');
          if (fail && fail.type === 'fail')
            expect(['INFLATE_FAILED', 'INVALID_UTF8', 'MESSAGE_TOO_BIG']).toContain(fail.fault);
        },
      ),
      { numRuns: 300 },
    );
  });
});
