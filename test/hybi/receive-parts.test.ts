// Codec.receiveParts: binary messages handed on as the pieces they arrived in, long frames unmasked where they
// lie in the pushed chunks (never copied), and otherwise exactly the messages the default mode delivers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Codec, CodecEvent } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';
import { PARTS_FROM } from '../../src/family/hybi/frame-reader.js';
import { runs } from '../support/fc-runs.js';
import { BASE_POLICY, compressedCodec, negotiatePair } from './compression-helpers.js';
import { seededBytes as bytes, codecFor, plain, rawFrame } from './helpers.js';

const rfc6455 = getDraft('rfc6455');
const KEY = [0x37, 0xfa, 0x21, 0x3d];

function partsCodec(maxPayload = 16 << 20): Codec {
  const codec = codecFor(rfc6455, 'server', maxPayload);
  codec.receiveParts!(true);
  return codec;
}

/** `wire` cut into fresh chunks at `cuts` (each its own ArrayBuffer, as socket reads are). */
function chunksOf(wire: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts)].filter((c) => c > 0 && c < wire.length).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of [...points, wire.length]) {
    out.push(Buffer.from(wire.subarray(at, p)));
    at = p;
  }
  return out;
}

function pushAll(codec: Codec, chunks: readonly Buffer[]): CodecEvent[] {
  return chunks.flatMap((c) => codec.push(c));
}

function partsEvents(events: readonly CodecEvent[]): Buffer[][] {
  expect(events.filter((e) => e.type === 'fail')).toEqual([]);
  return events.flatMap((e) => (e.type === 'binary-parts' ? [e.parts] : []));
}

describe('receiveParts: a long binary frame spanning reads', () => {
  it('arrives as views of the chunks it came in, unmasked in place, never copied', () => {
    const payload = bytes(1024 * 1024, 1);
    const wire = rawFrame({ opcode: 2, payload, mask: KEY });
    const cuts: number[] = [];
    // 64 KiB socket reads, the first one offset so the key phase changes from chunk to chunk.
    for (let at = 65_533; at < wire.length; at += 65_536) cuts.push(at);
    const chunks = chunksOf(wire, cuts);
    const [parts, ...rest] = partsEvents(pushAll(partsCodec(), chunks));
    expect(rest).toEqual([]);
    expect(parts!.length).toBe(chunks.length);
    for (let i = 0; i < parts!.length; i++) expect(parts![i]!.buffer).toBe(chunks[i]!.buffer);
    expect(Buffer.concat(parts!).equals(payload)).toBe(true);
  });

  it('counts the chunks it keeps alive while the frame is incomplete, and nothing after', () => {
    const payload = bytes(3 * PARTS_FROM, 2);
    const wire = rawFrame({ opcode: 2, payload, mask: KEY });
    const codec = partsCodec();
    // A small frame first, so the first chunk holds more than the long frame's bytes.
    const small = rawFrame({ opcode: 2, payload: bytes(100, 3), mask: KEY });
    const first = Buffer.concat([small, wire.subarray(0, 1000)]);
    expect(codec.push(first).map((e) => e.type)).toEqual(['binary']);
    expect(codec.bufferedBytes).toBe(14 + first.length);
    const second = Buffer.from(wire.subarray(1000, 150_000));
    expect(codec.push(second)).toEqual([]);
    expect(codec.bufferedBytes).toBe(14 + first.length + second.length);
    expect(partsEvents(codec.push(Buffer.from(wire.subarray(150_000)))).length).toBe(1);
    expect(codec.bufferedBytes).toBe(0);
  });

  it('a fragmented binary message arrives as the pieces of all its frames, in order', () => {
    const a = bytes(PARTS_FROM + 10, 4);
    const b = bytes(300, 5);
    const c = bytes(PARTS_FROM * 2, 6);
    const wire = Buffer.concat([
      rawFrame({ opcode: 2, fin: false, payload: a, mask: KEY }),
      rawFrame({ opcode: 0, fin: false, payload: b, mask: [9, 8, 7, 6] }),
      rawFrame({ opcode: 9, payload: 'mid', mask: KEY }),
      rawFrame({ opcode: 0, payload: c, mask: [1, 2, 3, 4] }),
    ]);
    const events = pushAll(partsCodec(), chunksOf(wire, [40_000, 80_000, 120_000, 170_000]));
    const [parts] = partsEvents(events);
    expect(events.map((e) => e.type)).toEqual(['ping', 'send', 'binary-parts']);
    expect(parts!.length).toBeGreaterThan(3);
    expect(Buffer.concat(parts!).equals(Buffer.concat([a, b, c]))).toBe(true);
  });

  it('short binary messages come as one piece; text is untouched', () => {
    const wire = Buffer.concat([
      rawFrame({ opcode: 2, payload: bytes(2000, 7), mask: KEY }),
      rawFrame({ opcode: 1, payload: 'héllo'.repeat(20_000), mask: KEY }),
    ]);
    const events = pushAll(partsCodec(), chunksOf(wire, [1000, 70_000]));
    expect(events.map((e) => e.type)).toEqual(['binary', 'text']);
  });

  it('switched off in the middle of a frame: that frame arrives as one Buffer', () => {
    const payload = bytes(4 * PARTS_FROM, 8);
    const wire = rawFrame({ opcode: 2, payload, mask: KEY });
    const codec = partsCodec();
    expect(codec.push(Buffer.from(wire.subarray(0, 100_000)))).toEqual([]);
    codec.receiveParts!(false);
    const events = codec.push(Buffer.from(wire.subarray(100_000)));
    expect(events.length).toBe(1);
    expect(events[0]!.type).toBe('binary');
    expect(events[0]!.type === 'binary' && events[0]!.data.equals(payload)).toBe(true);
  });

  it('compressed messages are inflated into one Buffer as before', () => {
    const pair = negotiatePair(BASE_POLICY);
    const codec = compressedCodec(rfc6455, 'server', pair.server, 16 << 20);
    codec.receiveParts!(true);
    const client = compressedCodec(rfc6455, 'client', pair.client, 16 << 20);
    const payload = Buffer.alloc(300_000, 'ab');
    const wire = client.encode({ type: 'binary', data: payload });
    const events = pushAll(codec, chunksOf(wire, [7, 500]));
    expect(events.map((e) => e.type)).toEqual(['binary']);
    expect(events[0]!.type === 'binary' && events[0]!.data.equals(payload)).toBe(true);
  });

  it('maxPayload and maxFragments hold as in the default mode', () => {
    const over = rawFrame({ opcode: 2, payload: bytes(PARTS_FROM * 2, 9), mask: KEY });
    const small = partsCodec(PARTS_FROM);
    expect(plain(small.push(over.subarray(0, 20)))).toEqual([
      { type: 'send', hex: '880203f1' },
      { type: 'fail', fault: 'MESSAGE_TOO_BIG', closeCode: 1009 },
    ]);
    const codec = rfc6455.createCodec('server', {
      maxPayload: 16 << 20,
      maxFragments: 2,
      rng: () => Buffer.alloc(4),
    });
    codec.receiveParts!(true);
    const frag = (opcode: number) =>
      rawFrame({ opcode, fin: false, payload: bytes(PARTS_FROM, 1), mask: KEY });
    const events = pushAll(codec, chunksOf(Buffer.concat([frag(2), frag(0), frag(0)]), [1000, 90_000]));
    expect(plain(events).at(-1)).toEqual({ type: 'fail', fault: 'TOO_MANY_FRAGMENTS', closeCode: 1008 });
  });
});

describe('receiveParts: property at random chunk boundaries', () => {
  it('delivers the same messages as the default mode, and long frames without a copy', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            size: fc.oneof(fc.nat({ max: 200 }), fc.integer({ min: PARTS_FROM - 10, max: 3 * PARTS_FROM })),
            text: fc.boolean(),
            frames: fc.integer({ min: 1, max: 3 }),
            seed: fc.nat(),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.array(fc.nat({ max: 12 * PARTS_FROM }), { maxLength: 12 }),
        (messages, cuts) => {
          const frames: Buffer[] = [];
          for (const m of messages) {
            // Text as ASCII, so a cut between frames cannot split a character.
            const data = m.text
              ? Buffer.from(bytes(m.size, m.seed).toString('base64').slice(0, m.size))
              : bytes(m.size, m.seed);
            const step = Math.ceil(data.length / m.frames) || 1;
            for (let at = 0, i = 0; i < m.frames; i++, at += step) {
              const last = i === m.frames - 1;
              const piece = data.subarray(
                Math.min(at, data.length),
                last ? data.length : Math.min(at + step, data.length),
              );
              frames.push(
                rawFrame({
                  opcode: i === 0 ? (m.text ? 1 : 2) : 0,
                  fin: last,
                  payload: piece,
                  mask: [m.seed & 255, 3, 5, 7],
                }),
              );
            }
          }
          const wire = Buffer.concat(frames);
          const chunks = chunksOf(wire, cuts);
          const expected = plain(pushAll(codecFor(rfc6455, 'server', 16 << 20), chunksOf(wire, cuts)));
          const events = pushAll(partsCodec(), chunks);
          expect(plain(events)).toEqual(expected);
          // Only frames shorter than PARTS_FROM that spanned chunks are copied; everything else is a view.
          const owners = new Set(chunks.map((c) => c.buffer));
          const pieces = events.flatMap((e) =>
            e.type === 'binary-parts' ? e.parts : e.type === 'binary' ? [e.data] : [],
          );
          for (const piece of pieces)
            if (!owners.has(piece.buffer)) expect(piece.length).toBeLessThan(PARTS_FROM);
        },
      ),
      { numRuns: runs(60) },
    );
  });
});

describe('encodePieces: a long binary message sent from pieces', () => {
  it('a server frames it as one header and the pieces themselves, which a client decodes whole', () => {
    const pieces = [bytes(40_000, 1), bytes(1, 2), bytes(30_000, 3)];
    const length = 70_001;
    const framed = codecFor(rfc6455, 'server').encodePieces!(pieces, length);
    expect(framed!.slice(1)).toEqual(pieces);
    for (let i = 0; i < pieces.length; i++) expect(framed![i + 1]).toBe(pieces[i]);
    const events = codecFor(rfc6455, 'client').push(Buffer.concat(framed!));
    expect(plain(events)).toEqual([{ type: 'binary', hex: Buffer.concat(pieces).toString('hex') }]);
  });

  it('declines what must be one buffer: clients (masking), short payloads, compression', () => {
    const pieces = [bytes(20_000, 4), bytes(20_000, 5)];
    expect(codecFor(rfc6455, 'client').encodePieces!(pieces, 40_000)).toBeUndefined();
    expect(codecFor(rfc6455, 'server').encodePieces!([bytes(100, 6)], 100)).toBeUndefined();
    const compressed = compressedCodec(rfc6455, 'server', negotiatePair(BASE_POLICY).server);
    expect(compressed.encodePieces!(pieces, 40_000)).toBeUndefined();
    expect(compressed.encodePieces!(pieces, 40_000, false)).toBeDefined();
  });
});
