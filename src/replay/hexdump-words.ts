// The common case of the fixture hexdump, four output bytes per store: full 16-byte lines at offsets
// below 0x10000 are exactly 76 bytes ("  OFFS  " + 16 x "xx " + " |" + 16 text + "|\n"), 19 words.
// hexdump.ts falls back to byte stores for the rest (last line, offsets past 0xffff, big-endian hosts).

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export const LINE_BYTES = 76;
const LINE_WORDS = LINE_BYTES / 4;
/** Lines per batch: the scratch stays small (76 KiB) whatever the segment's size. */
const BATCH = 1024;
const scratch = new Uint32Array(LINE_WORDS * BATCH);
const scratchBytes = new Uint8Array(scratch.buffer);

const digit = (v: number) => '0123456789abcdef'.charCodeAt(v);
/** Byte b as its two hex digits in the low 16 bits, first digit first in memory. */
const PAIR = Uint32Array.from({ length: 256 }, (_, b) => digit(b >> 4) | (digit(b & 15) << 8));
const TEXT = Uint32Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? b : 0x2e));
// The 12 bytes of 4 input bytes a b c d, "aa bb cc dd ", as three words: [aa' 'b] [b' 'cc] [' 'dd' '].
const B_FIRST = Uint32Array.from({ length: 256 }, (_, b) => (0x20 << 16) | (digit(b >> 4) << 24));
const B_SECOND = Uint32Array.from({ length: 256 }, (_, b) => digit(b & 15) | (0x20 << 8));
const D_WORD = Uint32Array.from({ length: 256 }, (_, d) => 0x20 | (PAIR[d]! << 8) | (0x20 << 24));
const SPACES = 0x2020;
const SPACE_BAR = 0x20 | (0x7c << 8);
const BAR_NEWLINE = 0x7c | (0x0a << 8);

/** Whether the word writer can do `bytes` from `off` on (it needs whole lines below 0x10000). */
export function wordLines(length: number, off: number): number {
  if (!LITTLE_ENDIAN) return 0;
  const end = Math.min(Math.floor(length / 16) * 16, 0x10000);
  return end > off ? (end - off) / 16 : 0;
}

/**
 * Write `lines` full lines of `bytes` starting at byte `off` into `out` at `at`, each ending with '\n';
 * returns the position after. The caller checked `wordLines`.
 */
export function wordLinesInto(
  bytes: Uint8Array,
  off: number,
  lines: number,
  out: Uint8Array,
  at: number,
): number {
  let p = at;
  for (let done = 0; done < lines; ) {
    const n = Math.min(BATCH, lines - done);
    let w = 0;
    for (let l = 0; l < n; l++, off += 16) {
      scratch[w] = SPACES | (PAIR[(off >>> 8) & 0xff]! << 16);
      scratch[w + 1] = PAIR[off & 0xff]! | (SPACES << 16);
      w += 2;
      for (let i = off; i < off + 16; i += 4) {
        const b = bytes[i + 1]!;
        scratch[w] = PAIR[bytes[i]!]! | B_FIRST[b]!;
        scratch[w + 1] = B_SECOND[b]! | (PAIR[bytes[i + 2]!]! << 16);
        scratch[w + 2] = D_WORD[bytes[i + 3]!]!;
        w += 3;
      }
      scratch[w] = SPACE_BAR | (TEXT[bytes[off]!]! << 16) | (TEXT[bytes[off + 1]!]! << 24);
      for (let i = off + 2; i < off + 14; i += 4)
        scratch[++w] =
          TEXT[bytes[i]!]! |
          (TEXT[bytes[i + 1]!]! << 8) |
          (TEXT[bytes[i + 2]!]! << 16) |
          (TEXT[bytes[i + 3]!]! << 24);
      scratch[++w] = TEXT[bytes[off + 14]!]! | (TEXT[bytes[off + 15]!]! << 8) | (BAR_NEWLINE << 16);
      w++;
    }
    out.set(scratchBytes.subarray(0, n * LINE_BYTES), p);
    p += n * LINE_BYTES;
    done += n;
  }
  return p;
}
