// hixie-76 keys: drafts.md §10.1 vectors H76-1..6, every negative key, BigInt precision, and the
// client's key generation (§4.1 steps 16-22) read back by the server's algorithm.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/core/rng.js';
import { checkHixieKey, hixieKeyPart } from '../../src/family/hixie/key-number.js';
import { challengeAnswer, generateKey, readKey } from '../../src/hixie76/keys.js';
import { runs } from '../support/fc-runs.js';
import { H76_VECTORS, NEGATIVE_KEYS } from './vectors.js';

describe('hixie-76 readKey', () => {
  it.each(H76_VECTORS)('$id: parts and MD5 answer', (v) => {
    expect(readKey(v.key1)).toEqual({ ok: true, part: v.part1 });
    expect(readKey(v.key2)).toEqual({ ok: true, part: v.part2 });
    const answer = challengeAnswer(v.part1, v.part2, v.key3);
    expect(answer).toHaveLength(16);
    expect(answer).toEqual(v.answer);
  });

  it.each(NEGATIVE_KEYS)('rejects %j (%s)', (key, problem) => {
    expect(readKey(key)).toMatchObject({ ok: false, problem });
  });

  it('reads digit strings above 2^53 exactly (BigInt, not parseInt)', () => {
    // (2^32-5)(2^21+1) is odd and above 2^53, so a double cannot hold it.
    const part = 4294967291n;
    const spaces = 2097153;
    const digits = (part * BigInt(spaces)).toString();
    expect(BigInt(Number(digits))).not.toBe(part * BigInt(spaces));
    const key = `${digits.slice(0, 5)}${' '.repeat(spaces)}${digits.slice(5)}`;
    expect(readKey(key)).toEqual({ ok: true, part: Number(part) });
    // 2^53+1 = 3 * 3002399751580331: a float reading says "not a multiple", the exact one "too big".
    expect(readKey('9007 1992 5474 0993')).toMatchObject({ ok: false, problem: 'PART_TOO_BIG' });
  });

  it('accepts a quotient of exactly 2^32-1 and refuses 2^32', () => {
    expect(readKey('4294967295 x')).toEqual({ ok: true, part: 4294967295 });
    expect(readKey('8589934592  y')).toMatchObject({ ok: false, problem: 'PART_TOO_BIG' });
    expect(readKey('8589934590  y')).toEqual({ ok: true, part: 4294967295 });
  });

  it('reads with plain numbers exactly what the BigInt reading gives, up to and past 15 digits', () => {
    // The server's one-pass reading must name the same first defect and part as detect's BigInt one.
    const digitString = fc.stringMatching(/^[0-9]{1,20}$/);
    const key = fc
      .tuple(digitString, fc.integer({ min: 0, max: 12 }), fc.string({ maxLength: 4 }))
      .map(([d, spaces, noise]) => `${d.slice(0, 2)}${' '.repeat(spaces)}${noise}${d.slice(2)}`);
    fc.assert(
      fc.property(fc.oneof(key, fc.string({ maxLength: 40 })), (k) => {
        const report = checkHixieKey(k);
        const expected = report.defects[0] ?? Number(report.part);
        expect(hixieKeyPart(k)).toBe(expected);
      }),
      { numRuns: runs(2000) },
    );
    // 15 digits stay exact as numbers; 999999999999999 / 3 = 333333333333333 is too big either way.
    expect(hixieKeyPart('999999999999999   ')).toBe('too-large');
    expect(hixieKeyPart('4294967295 x')).toBe(4294967295);
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (key) => {
        const r = readKey(key);
        if (r.ok) expect(r.part).toBeLessThanOrEqual(0xffffffff);
      }),
      { numRuns: runs(500) },
    );
  });
});

describe('hixie-76 generateKey', () => {
  it('gives keys the server algorithm reads back to the same part', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), (seed) => {
        const { key, part } = generateKey(seededRng(seed));
        expect(readKey(key)).toEqual({ ok: true, part });
        const spaces = key.split(' ').length - 1;
        expect(spaces).toBeGreaterThanOrEqual(1);
        expect(spaces).toBeLessThanOrEqual(12);
        expect(key.startsWith(' ') || key.endsWith(' ')).toBe(false);
        const noise = key.replace(/[0-9 ]/g, '');
        expect(noise.length).toBeGreaterThanOrEqual(1);
        expect(noise.length).toBeLessThanOrEqual(12);
        expect(noise).toMatch(/^[\x21-\x2f\x3a-\x7e]+$/);
      }),
      { numRuns: runs(500) },
    );
  });

  it('takes every random choice from the rng: the same seed gives the same key', () => {
    expect(generateKey(seededRng(42))).toEqual(generateKey(seededRng(42)));
    expect(generateKey(seededRng(42)).key).not.toBe(generateKey(seededRng(43)).key);
  });
});
