// Hixie text frames (hixie-76 §5.3): views for frames whole in a chunk, one copy for frames across chunks, U+FFFD only when invalid.
import { describe, expect, it } from 'vitest';
import type { CodecEvent } from '../../src/core/types.js';
import { DRAFTS } from '../../src/drafts.js';
import { makeCodec } from './helpers.js';

const HIXIE = [DRAFTS['hixie-75'], DRAFTS['hixie-76']];

/** `00 body FF` in its own memory (Buffer.alloc never hands out the shared pool). */
function frame(body: Uint8Array): Buffer {
  const out = Buffer.alloc(body.length + 2);
  out.set(body, 1);
  out[body.length + 1] = 0xff;
  return out;
}

function texts(events: readonly CodecEvent[]): Buffer[] {
  expect(events.filter((e) => e.type === 'fail')).toEqual([]);
  return events.flatMap((e) => (e.type === 'text' ? [e.data] : []));
}

/** Valid UTF-8 with 1- to 4-byte characters, so cuts land inside characters. */
const MIXED = Buffer.from('héllo wörld — 日本語 🎉 '.repeat(9), 'utf8');
/** An overlong NUL, a lone continuation byte, a surrogate and a truncated 4-byte sequence. */
const INVALID = Buffer.concat([
  Buffer.from('valid start '.repeat(8)),
  Buffer.from([0xc0, 0x80, 0x41, 0x80, 0x42, 0xed, 0xa0, 0x80, 0x43, 0xf0, 0x9f, 0x8e]),
  Buffer.from(' valid end'),
]);

describe.each(HIXIE)('$id text frames', (draft) => {
  it('a long frame whole in one chunk is a view of that chunk, not a copy', () => {
    const codec = makeCodec(draft, 'server');
    const chunk = frame(Buffer.concat([MIXED, Buffer.from([0xff, 0x00]), Buffer.from('x'.repeat(200))]));
    const [first, second] = texts(codec.push(chunk));
    expect(first!.equals(MIXED)).toBe(true);
    expect(second!.toString()).toBe('x'.repeat(200));
    expect(first!.buffer).toBe(chunk.buffer);
    expect(first!.byteOffset).toBe(chunk.byteOffset + 1);
    expect(second!.buffer).toBe(chunk.buffer);
  });

  it('invalid UTF-8 whole in a chunk is replaced by U+FFFD in a copy; the chunk is left alone', () => {
    const codec = makeCodec(draft, 'server');
    const chunk = frame(INVALID);
    const before = Buffer.from(chunk);
    const [got] = texts(codec.push(chunk));
    const expected = Buffer.from(INVALID.toString('utf8'), 'utf8');
    expect(got!.equals(expected)).toBe(true);
    expect(got!.includes(Buffer.from('\ufffd'))).toBe(true);
    expect(got!.buffer).not.toBe(chunk.buffer);
    expect(chunk.equals(before)).toBe(true);
  });

  it('short frames (copied into the pool) carry the same text, valid or not', () => {
    const codec = makeCodec(draft, 'server');
    const bodies = [
      Buffer.from(''),
      Buffer.from('a'),
      Buffer.from('é日🎉'),
      Buffer.from([0x41, 0xc3]),
      Buffer.from('y'.repeat(64)),
      Buffer.from('z'.repeat(65)),
    ];
    const got = texts(codec.push(Buffer.concat(bodies.map(frame))));
    expect(got.map((b) => b.toString('hex'))).toEqual(
      bodies.map((b) => Buffer.from(b.toString('utf8'), 'utf8').toString('hex')),
    );
  });

  it('a frame split in two and three at every pair of boundaries equals the frame fed whole', () => {
    for (const body of [MIXED, INVALID]) {
      const wire = frame(body);
      const expected = texts(makeCodec(draft, 'server').push(Buffer.from(wire)))[0]!;
      const codec = makeCodec(draft, 'server');
      for (let a = 1; a < wire.length; a++) {
        for (let b = a; b < wire.length; b += a < 8 ? 1 : 13) {
          const pieces = [wire.subarray(0, a), wire.subarray(a, b), wire.subarray(b)].filter(
            (p) => p.length > 0,
          );
          const got = texts(pieces.flatMap((p) => codec.push(Buffer.from(p))));
          expect(got.length).toBe(1);
          expect(got[0]!.equals(expected)).toBe(true);
          expect(codec.bufferedBytes).toBe(0);
        }
      }
    }
  });

  it('a frame across many 64 KiB pieces arrives whole and counts its held bytes', () => {
    const codec = makeCodec(draft, 'server', 4 << 20);
    const body = Buffer.alloc(1_000_003, 'abcdefgh');
    const wire = frame(body);
    const events: CodecEvent[] = [];
    for (let at = 0, i = 0; at < wire.length && i < 100; i++) {
      const end = Math.min(wire.length, at + 65_536);
      events.push(...codec.push(wire.subarray(at, end)));
      if (end < wire.length) expect(codec.bufferedBytes).toBe(end - 1);
      at = end;
    }
    const got = texts(events);
    expect(got.length).toBe(1);
    expect(got[0]!.equals(body)).toBe(true);
  });
});
