// UTF-8 checked piece by piece while a long text frame is gathered (RFC 6455 §8.1): same verdict as checking it whole.
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/core/rng.js';
import type { CodecEvent } from '../../src/core/types.js';
import { Utf8Validator } from '../../src/core/utf8.js';
import { DRAFTS } from '../../src/drafts.js';
import { FragmentedText, GatheredText, lastBoundary } from '../../src/family/hybi/text-check.js';
import { runs } from '../support/fc-runs.js';
import { rawFrame } from './helpers.js';

/** Text made of 1- to 4-byte characters, optionally with bytes that break it. */
const textArb = fc
  .record({
    parts: fc.array(
      fc.oneof(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 400 }).map((s) => Buffer.from(s, 'utf8')),
        fc.constantFrom('é', '日本', '🎉🎉', 'a'.repeat(900)).map((s) => Buffer.from(s.repeat(40), 'utf8')),
      ),
      { minLength: 1, maxLength: 30 },
    ),
    // Mostly valid text (where a check split inside a character would show), sometimes broken.
    breaks: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.array(
          fc.record({
            at: fc.nat(),
            byte: fc.constantFrom(0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xed, 0xf0, 0xf4, 0xff),
          }),
          { minLength: 1, maxLength: 2 },
        ),
      },
    ),
  })
  .map(({ parts, breaks }) => {
    const bytes = Buffer.concat(parts);
    for (const b of breaks) if (bytes.length > 0) bytes[b.at % bytes.length] = b.byte;
    return bytes;
  });

describe('lastBoundary', () => {
  it('stops before a character cut off at the end, and nowhere else', () => {
    const s = Buffer.from('aé日🎉', 'utf8'); // 1 + 2 + 3 + 4 bytes
    const ends = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(ends.map((e) => lastBoundary(s, 0, e))).toEqual([0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10]);
    expect(lastBoundary(s, 3, 5)).toBe(3);
  });
});

describe('GatheredText', () => {
  it('gives the verdict of isUtf8 on the whole text, at any split', () => {
    fc.assert(
      fc.property(textArb, fc.array(fc.nat({ max: 40_000 }), { maxLength: 8 }), (bytes, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const check = new GatheredText();
        check.reset();
        for (const p of points) check.update(bytes, p);
        expect(check.finish(bytes, bytes.length)).toBe(isUtf8(bytes));
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('FragmentedText', () => {
  it('fails at the same fragment as the byte-wise validator, and finishes the same', () => {
    fc.assert(
      fc.property(textArb, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const fast = new FragmentedText();
        const reference = new Utf8Validator();
        let at = 0;
        for (const p of [...points, bytes.length]) {
          const fragment = bytes.subarray(at, p);
          at = p;
          const ok = reference.update(fragment);
          expect(fast.update(fragment)).toBe(ok);
          if (!ok) return;
        }
        expect(fast.finish()).toBe(reference.finish());
      }),
      { numRuns: runs(500) },
    );
  });

  it('keeps a character cut over several fragments, one byte at a time', () => {
    const check = new FragmentedText();
    for (const b of Buffer.from('a🎉é日', 'utf8')) expect(check.update(Buffer.from([b]))).toBe(true);
    expect(check.finish()).toBe(true);
    for (const b of Buffer.from('🎉', 'utf8').subarray(0, 3))
      expect(check.update(Buffer.from([b]))).toBe(true);
    expect(check.finish()).toBe(false);
    // Reset by finish: a fresh message starts clean. F4 90 is above U+10FFFF, refused at its second byte.
    expect(check.update(Buffer.from([0x41, 0xf4]))).toBe(true);
    expect(check.update(Buffer.from([0x90]))).toBe(false);
  });
});

describe('long text frames gathered from 64 KiB pieces', () => {
  const draft = DRAFTS.rfc6455;
  const body = Buffer.from('abc é 日本 🎉 '.repeat(20_000), 'utf8');

  function run(payload: Buffer, piece: number): CodecEvent[] {
    const codec = draft.createCodec('server', { maxPayload: 8 << 20, rng: seededRng(1) });
    const wire = rawFrame({ opcode: 1, payload, mask: [9, 8, 7, 6] });
    const events: CodecEvent[] = [];
    for (let at = 0; at < wire.length; at += piece) events.push(...codec.push(wire.subarray(at, at + piece)));
    return events;
  }

  it('valid text arrives whole, whatever the piece size', () => {
    expect(body.length).toBeGreaterThan(256 * 1024);
    for (const piece of [65_536, 4097, 65_537, 300_001]) {
      const events = run(body, piece);
      expect(events.map((e) => e.type)).toEqual(['text']);
      expect((events[0] as { data: Buffer }).data.equals(body)).toBe(true);
    }
  });

  it('a bad byte anywhere (first, at piece edges, last) fails with INVALID_UTF8 and 1007', () => {
    const spots = [0, 65_535 - 14, 65_536 - 14, 65_537 - 14, 131_071, 200_000, body.length - 1];
    for (const at of spots) {
      for (const byte of [0xff, 0x80, 0xe6]) {
        const bad = Buffer.from(body);
        bad[at] = byte;
        if (isUtf8(bad)) continue; // 0xe6 over a lead byte can still be valid
        const events = run(bad, 65_536);
        const fail = events.find((e) => e.type === 'fail');
        expect(fail).toMatchObject({ fault: 'INVALID_UTF8', closeCode: 1007 });
        expect(events.filter((e) => e.type === 'text')).toEqual([]);
      }
    }
  });

  it('text ending inside a character fails', () => {
    const cut = Buffer.concat([body, Buffer.from('🎉', 'utf8').subarray(0, 3)]);
    const events = run(cut, 65_536);
    expect(events.find((e) => e.type === 'fail')).toMatchObject({ fault: 'INVALID_UTF8', closeCode: 1007 });
  });
});
