// RFC 6455 §5.3 masking: the word-wise in-place XOR agrees with the byte-wise definition and is an involution.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskBuffer, maskCopy, maskInPlace } from '../../src/family/hybi/mask.js';
import { createWasmMasker } from '../../src/family/hybi/mask-wasm.js';
import { runs } from '../support/fc-runs.js';

function reference(bytes: Uint8Array, key: readonly number[]): Buffer {
  return Buffer.from(bytes.map((b, i) => b ^ key[i % 4]!));
}

const keyArb = fc.tuple(
  fc.nat({ max: 255 }),
  fc.nat({ max: 255 }),
  fc.nat({ max: 255 }),
  fc.nat({ max: 255 }),
);

describe('maskInPlace', () => {
  it('matches out[i] = in[i] ^ key[i % 4] at every alignment and length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), keyArb, fc.nat({ max: 7 }), (bytes, key, shift) => {
        // Place the payload at every offset modulo 8 so the word path meets each alignment.
        const host = Buffer.alloc(bytes.length + shift + 3, 0xee);
        host.set(bytes, shift);
        maskInPlace(host, shift, shift + bytes.length, ...key);
        expect(host.subarray(shift, shift + bytes.length).equals(reference(bytes, key))).toBe(true);
        expect(host.subarray(0, shift).every((b) => b === 0xee)).toBe(true);
        expect(host.subarray(shift + bytes.length).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: runs(500) },
    );
  });

  it('is an involution: masking twice restores the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), keyArb, (bytes, key) => {
        const copy = Buffer.from(bytes);
        maskInPlace(copy, 0, copy.length, ...key);
        maskInPlace(copy, 0, copy.length, ...key);
        expect(copy.equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: runs(200) },
    );
  });

  it('unmasks the §5.7 example', () => {
    const payload = Buffer.from('7f9f4d5158', 'hex');
    maskInPlace(payload, 0, 5, 0x37, 0xfa, 0x21, 0x3d);
    expect(payload.toString()).toBe('Hello');
  });

  it('maskBuffer (native when bufferutil is installed) agrees with the definition and stays in bounds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), keyArb, fc.nat({ max: 7 }), (bytes, key, shift) => {
        const host = Buffer.alloc(shift + bytes.length + 2, 0xee);
        host.set(bytes, shift);
        maskBuffer(host.subarray(shift, shift + bytes.length), ...key);
        expect(host.subarray(shift, shift + bytes.length).equals(reference(bytes, key))).toBe(true);
        expect(host.subarray(0, shift).every((b) => b === 0xee)).toBe(true);
        expect(host.subarray(shift + bytes.length).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('maskCopy', () => {
  it('writes src ^ key at any source and destination alignment, leaving src and the rest of dst alone', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        keyArb,
        fc.nat({ max: 7 }),
        fc.nat({ max: 7 }),
        (bytes, key, from, to) => {
          const src = Buffer.alloc(from + bytes.length + 1, 0xdd);
          src.set(bytes, from);
          const before = Buffer.from(src);
          const dst = Buffer.alloc(to + bytes.length + 2, 0xee);
          maskCopy(src, from, from + bytes.length, dst, to, ...key);
          expect(dst.subarray(to, to + bytes.length).equals(reference(bytes, key))).toBe(true);
          expect(dst.subarray(0, to).every((b) => b === 0xee)).toBe(true);
          expect(dst.subarray(to + bytes.length).every((b) => b === 0xee)).toBe(true);
          expect(src.equals(before)).toBe(true);
        },
      ),
      { numRuns: runs(300) },
    );
  });
});

describe('WebAssembly SIMD masker', () => {
  const wasm = createWasmMasker();

  it('compiles on this Node', () => {
    expect(wasm).toBeDefined();
  });

  it('agrees with the definition across 64 KiB blocks, copying or in place, at every alignment', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 140_000 }),
        keyArb,
        fc.nat({ max: 7 }),
        fc.nat({ max: 7 }),
        fc.boolean(),
        (n, key, from, to, inPlace) => {
          const bytes = Buffer.allocUnsafe(n);
          for (let i = 0; i < n; i++) bytes[i] = (i * 131 + n) & 0xff;
          const word = (key[0] | (key[1] << 8) | (key[2] << 16) | (key[3] << 24)) >>> 0;
          const src = Buffer.alloc(from + n + 3, 0xdd);
          src.set(bytes, from);
          const dst = inPlace ? src : Buffer.alloc(to + n + 3, 0xee);
          const at = inPlace ? from : to;
          wasm!.xorInto(src, from, from + n, dst, at, word);
          expect(dst.subarray(at, at + n).equals(reference(bytes, key))).toBe(true);
          const fill = inPlace ? 0xdd : 0xee;
          expect(dst.subarray(0, at).every((b) => b === fill)).toBe(true);
          expect(dst.subarray(at + n).every((b) => b === fill)).toBe(true);
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it('handles a source that is exactly the bytes to mask (copied without a view), up to and past one block', () => {
    for (const n of [1, 63, 64, 65, 4096, 65_535, 65_536, 65_537, 131_073]) {
      for (const inPlace of [false, true]) {
        const bytes = Buffer.allocUnsafe(n);
        for (let i = 0; i < n; i++) bytes[i] = (i * 7 + 3) & 0xff;
        const key = [0x91, 0x00, 0xff, 0x3c];
        const src = Buffer.from(bytes);
        const dst = inPlace ? src : Buffer.alloc(n + 5, 0xee);
        wasm!.xorInto(src, 0, n, dst, 0, 0x3cff0091);
        expect(dst.subarray(0, n).equals(reference(bytes, key))).toBe(true);
        if (!inPlace) expect(dst.subarray(n).every((b) => b === 0xee)).toBe(true);
      }
    }
  });
});
