// RFC 6455 §5.3 masking: out[i] = in[i] ^ key[i % 4]; bufferutil's native loop if installed, else WASM SIMD, else JS.
import { createRequire } from 'node:module';
import { createWasmMasker } from './mask-wasm.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Below this many bytes a typed-array view costs more than it saves. */
const WORD_THRESHOLD = 64;
/** Below this many bytes a native call costs more than the JS loop (ws uses the same cut-off). */
const NATIVE_THRESHOLD = 128;
/** Below this many bytes the copies in and out of WebAssembly memory cost more than the JS loop saves. */
const WASM_THRESHOLD = 512;

interface NativeMask {
  unmask(buffer: Uint8Array, mask: Uint8Array): void;
  mask(source: Uint8Array, mask: Uint8Array, output: Uint8Array, offset: number, length: number): void;
}

/**
 * The optional native addon ws uses for the same job: never a dependency of wscompat, used only when the
 * application installed it and WSCOMPAT_NO_BUFFERUTIL is unset. Only its compiled form is taken: its own JS fallback is
 * slower than ours. Without it everything stays in JS.
 */
function loadNative(): NativeMask | undefined {
  // Opt-out for measuring and running the pure-JS path (the same switch ws offers as WS_NO_BUFFER_UTIL).
  if (process.env.WSCOMPAT_NO_BUFFERUTIL) return undefined;
  // ESM has import.meta.url; CJS bundles leave import.meta empty but have __filename.
  const bases = [import.meta.url, typeof __filename === 'string' ? __filename : undefined];
  for (const base of bases) {
    try {
      if (base === undefined) continue;
      const mod = createRequire(base)('bufferutil') as Partial<NativeMask>;
      const isNative = (fn: unknown): boolean =>
        typeof fn === 'function' && /\[native code\]/.test(Function.prototype.toString.call(fn));
      if (isNative(mod.unmask) && isNative(mod.mask)) return mod as NativeMask;
      return undefined;
    } catch {
      // Not resolvable from this base: try the next, else stay in JS.
    }
  }
  return undefined;
}

const native = loadNative();

/** True when the native unmask is in use (reported by benchmarks and tests). */
export const NATIVE_MASK = native !== undefined;

// WSCOMPAT_NO_WASM keeps everything in plain JS (for measuring and testing the last fallback).
const wasm = native === undefined && !process.env.WSCOMPAT_NO_WASM ? createWasmMasker() : undefined;

/** Which implementation long payloads go through. */
export const MASK_BACKEND: 'native' | 'wasm' | 'js' =
  native !== undefined ? 'native' : wasm !== undefined ? 'wasm' : 'js';

/** The key bytes as one little-endian word, k0 lowest (the order WebAssembly memory uses). */
function keyWord(k0: number, k1: number, k2: number, k3: number): number {
  return (k0 | (k1 << 8) | (k2 << 16) | (k3 << 24)) >>> 0;
}

/**
 * XOR `buf[start..end)` with the 4-byte key `k0 k1 k2 k3` in place, in JS. Masking is an involution:
 * applying it twice restores the input.
 */
export function maskInPlace(
  buf: Uint8Array,
  start: number,
  end: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
): void {
  let i = start;
  if (end - start >= WORD_THRESHOLD) {
    // Bring the write position to a 4-byte boundary of the underlying memory, then XOR whole words.
    const lead = (4 - ((buf.byteOffset + start) & 3)) & 3;
    for (let j = 0; j < lead; j++) {
      buf[i]! ^= k0;
      i++;
      const t = k0;
      k0 = k1;
      k1 = k2;
      k2 = k3;
      k3 = t;
    }
    // The key is now in phase with `i`: k0 masks buf[i].
    const word = LITTLE_ENDIAN
      ? k0 | (k1 << 8) | (k2 << 16) | (k3 << 24)
      : (k0 << 24) | (k1 << 16) | (k2 << 8) | k3;
    const view = new Int32Array(buf.buffer, buf.byteOffset + i, (end - i) >>> 2);
    const n = view.length;
    let w = 0;
    for (; w + 8 <= n; w += 8) {
      view[w]! ^= word;
      view[w + 1]! ^= word;
      view[w + 2]! ^= word;
      view[w + 3]! ^= word;
      view[w + 4]! ^= word;
      view[w + 5]! ^= word;
      view[w + 6]! ^= word;
      view[w + 7]! ^= word;
    }
    for (; w < n; w++) view[w]! ^= word;
    i += n << 2;
  }
  for (; i + 4 <= end; i += 4) {
    buf[i]! ^= k0;
    buf[i + 1]! ^= k1;
    buf[i + 2]! ^= k2;
    buf[i + 3]! ^= k3;
  }
  if (i < end) buf[i++]! ^= k0;
  if (i < end) buf[i++]! ^= k1;
  if (i < end) buf[i]! ^= k2;
}

/** Reused key holder for native calls, so unmasking a frame allocates nothing. */
const nativeKey = Buffer.alloc(4);

/** XOR all of `payload` in place with the key `k0 k1 k2 k3`: natively or in WASM for long payloads. */
export function maskBuffer(payload: Buffer, k0: number, k1: number, k2: number, k3: number): void {
  const n = payload.length;
  if (native !== undefined && n >= NATIVE_THRESHOLD) {
    nativeKey[0] = k0;
    nativeKey[1] = k1;
    nativeKey[2] = k2;
    nativeKey[3] = k3;
    native.unmask(payload, nativeKey);
  } else if (wasm !== undefined && n >= WASM_THRESHOLD) {
    wasm.xorInto(payload, 0, n, payload, 0, keyWord(k0, k1, k2, k3));
  } else maskInPlace(payload, 0, n, k0, k1, k2, k3);
}

/**
 * dst[at + i] = src[start + i] ^ key[i % 4] for i < end - start, leaving `src` untouched: one pass that
 * gathers a frame spread over several chunks and unmasks it on the way.
 */
export function maskCopy(
  src: Buffer,
  start: number,
  end: number,
  dst: Buffer,
  at: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
): void {
  const n = end - start;
  if (native !== undefined && n >= NATIVE_THRESHOLD) {
    nativeKey[0] = k0;
    nativeKey[1] = k1;
    nativeKey[2] = k2;
    nativeKey[3] = k3;
    native.mask(start === 0 && end === src.length ? src : src.subarray(start, end), nativeKey, dst, at, n);
  } else if (wasm !== undefined && n >= WASM_THRESHOLD) {
    wasm.xorInto(src, start, end, dst, at, keyWord(k0, k1, k2, k3));
  } else if (n >= WORD_THRESHOLD) {
    // A native copy, then the word loop over bytes still hot in cache.
    src.copy(dst, at, start, end);
    maskInPlace(dst, at, at + n, k0, k1, k2, k3);
  } else {
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      dst[at + i] = src[start + i]! ^ k0;
      dst[at + i + 1] = src[start + i + 1]! ^ k1;
      dst[at + i + 2] = src[start + i + 2]! ^ k2;
      dst[at + i + 3] = src[start + i + 3]! ^ k3;
    }
    if (i < n) dst[at + i] = src[start + i]! ^ k0;
    if (i + 1 < n) dst[at + i + 1] = src[start + i + 1]! ^ k1;
    if (i + 2 < n) dst[at + i + 2] = src[start + i + 2]! ^ k2;
  }
}
