// RFC 6455 §5.3 masking: out[i] = in[i] ^ key[i % 4], applied in place, a 32-bit word at a time.

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Below this many bytes a typed-array view costs more than it saves. */
const WORD_THRESHOLD = 64;

/**
 * XOR `buf[start..end)` with the 4-byte key `k0 k1 k2 k3` in place. Masking is an involution:
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
  const n = end - start;
  if (n >= WORD_THRESHOLD) {
    // Bring the write position to a 4-byte boundary of the underlying memory, then XOR whole words.
    const lead = (4 - ((buf.byteOffset + start) & 3)) & 3;
    const key = [k0, k1, k2, k3];
    for (let j = 0; j < lead; j++) buf[i + j]! ^= key[j]!;
    i += lead;
    const a = key[lead & 3]!;
    const b = key[(lead + 1) & 3]!;
    const c = key[(lead + 2) & 3]!;
    const d = key[(lead + 3) & 3]!;
    const word = LITTLE_ENDIAN ? a | (b << 8) | (c << 16) | (d << 24) : (a << 24) | (b << 16) | (c << 8) | d;
    const words = (end - i) >>> 2;
    const view = new Int32Array(buf.buffer, buf.byteOffset + i, words);
    let w = 0;
    const w8 = words & ~7;
    for (; w < w8; w += 8) {
      view[w]! ^= word;
      view[w + 1]! ^= word;
      view[w + 2]! ^= word;
      view[w + 3]! ^= word;
      view[w + 4]! ^= word;
      view[w + 5]! ^= word;
      view[w + 6]! ^= word;
      view[w + 7]! ^= word;
    }
    for (; w < words; w++) view[w]! ^= word;
    i += words << 2;
    // The tail starts on a key phase of `lead`: rotate the key to match.
    k0 = a;
    k1 = b;
    k2 = c;
    k3 = d;
  }
  const end4 = i + ((end - i) & ~3);
  for (; i < end4; i += 4) {
    buf[i]! ^= k0;
    buf[i + 1]! ^= k1;
    buf[i + 2]! ^= k2;
    buf[i + 3]! ^= k3;
  }
  if (i < end) buf[i++]! ^= k0;
  if (i < end) buf[i++]! ^= k1;
  if (i < end) buf[i]! ^= k2;
}
