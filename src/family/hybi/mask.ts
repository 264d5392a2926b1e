// RFC 6455 §5.3 masking: out[i] = in[i] ^ key[i % 4], in place; word-wise JS, or bufferutil's native loop if installed.
import { createRequire } from 'node:module';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Below this many bytes a typed-array view costs more than it saves. */
const WORD_THRESHOLD = 64;
/** Below this many bytes a native call costs more than the JS loop (ws uses the same cut-off). */
const NATIVE_THRESHOLD = 128;

interface NativeMask {
  unmask(buffer: Uint8Array, mask: Uint8Array): void;
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
      const fn = mod.unmask;
      if (typeof fn === 'function' && /\[native code\]/.test(Function.prototype.toString.call(fn)))
        return mod as NativeMask;
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

/** XOR all of `payload` in place with the key `k0 k1 k2 k3`, natively for long payloads when available. */
export function maskBuffer(payload: Buffer, k0: number, k1: number, k2: number, k3: number): void {
  if (native !== undefined && payload.length >= NATIVE_THRESHOLD) {
    nativeKey[0] = k0;
    nativeKey[1] = k1;
    nativeKey[2] = k2;
    nativeKey[3] = k3;
    native.unmask(payload, nativeKey);
  } else maskInPlace(payload, 0, payload.length, k0, k1, k2, k3);
}
