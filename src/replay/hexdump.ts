// Hex plus printable rendering of one segment, and its strict inverse (fixtures/README.md "Segments").

import { wordLines, wordLinesInto } from './hexdump-words.js';

const PER_LINE = 16;

/** The printable column: ASCII graphic characters and space as-is, every other byte as '.'. */
export function printableColumn(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  return out;
}

/** The two ASCII hex digits of each byte value, and its printable-column character. */
const HI = Uint8Array.from({ length: 256 }, (_, b) => '0123456789abcdef'.charCodeAt(b >> 4));
const LO = Uint8Array.from({ length: 256 }, (_, b) => '0123456789abcdef'.charCodeAt(b & 15));
const PRINTABLE = Uint8Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? b : 0x2e));
const SPACE = 0x20;
const BAR = 0x7c;
const NEWLINE = 0x0a;

/** Hex digits of a line's offset: at least four, more past 0xffff (as `toString(16).padStart(4)`). */
function offsetDigits(off: number): number {
  let n = 4;
  while (n < 8 && off >>> (4 * n) !== 0) n++;
  return n;
}

/** Bytes `hexdumpInto` writes for `length` bytes of segment, lines separated (not ended) by '\n'. */
export function hexdumpSize(length: number): number {
  const lines = Math.ceil(length / PER_LINE);
  // Per line "  OFFS  " + 47 hex columns + "  |" + "|" and a separator; every byte once in the text.
  let size = lines * (2 + 2 + (PER_LINE * 3 - 1) + 3 + 1 + 1) - (lines > 0 ? 1 : 0) + length;
  for (let off = 0; off < length; off += PER_LINE) size += offsetDigits(off);
  return size;
}

/**
 * Write the `  0010  0d 0a 48 6f ...  |..Ho|` lines of `bytes` (16 bytes each, offsets relative to the
 * segment, '\n' between lines) into `out` at `at`; returns the position after. `out` needs
 * `hexdumpSize(bytes.length)` bytes from `at`. Byte-level with lookup tables: imports write gigabytes.
 */
export function hexdumpInto(bytes: Uint8Array, out: Uint8Array, at: number): number {
  const length = bytes.length;
  const whole = wordLines(length, 0);
  // Full lines below 0x10000 a word at a time, each ending in '\n'; the rest byte by byte.
  let p = whole > 0 ? wordLinesInto(bytes, 0, whole, out, at) : at;
  let off = whole * PER_LINE;
  if (off >= length) return whole > 0 ? p - 1 : p;
  for (; off < length; off += PER_LINE) {
    if (off > whole * PER_LINE) out[p++] = NEWLINE;
    out[p++] = SPACE;
    out[p++] = SPACE;
    for (let shift = 4 * (offsetDigits(off) - 1); shift >= 0; shift -= 4)
      out[p++] = LO[(off >>> shift) & 15]!;
    out[p++] = SPACE;
    out[p++] = SPACE;
    const n = Math.min(PER_LINE, length - off);
    // "xx " per byte, then blanks up to the text column: 16 * 3 + 2 columns in all.
    for (let i = 0; i < n; i++) {
      const b = bytes[off + i]!;
      out[p] = HI[b]!;
      out[p + 1] = LO[b]!;
      out[p + 2] = SPACE;
      p += 3;
    }
    for (let i = n * 3; i < PER_LINE * 3 + 1; i++) out[p++] = SPACE;
    out[p++] = BAR;
    for (let i = 0; i < n; i++) out[p++] = PRINTABLE[bytes[off + i]!]!;
    out[p++] = BAR;
  }
  return p;
}

/** The hexdump of `bytes` as text lines (what `hexdumpInto` writes, split). */
export function hexdumpLines(bytes: Uint8Array): string[] {
  if (bytes.length === 0) return [];
  const out = Buffer.allocUnsafe(hexdumpSize(bytes.length));
  hexdumpInto(bytes, out, 0);
  return out.toString('latin1').split('\n');
}

const LINE = /^ {2}([0-9a-f]{4,8}) {2}((?:[0-9a-f]{2} )*[0-9a-f]{2}) *\|(.*)\|$/;

/** One parsed hexdump line, or an error message (the caller adds file:line). */
export function parseHexdumpLine(
  text: string,
  expectedOffset: number,
): { readonly bytes: Buffer } | { readonly error: string } {
  const m = LINE.exec(text);
  if (!m) return { error: 'malformed hexdump line (expected "  OFFS  xx xx ...  |text|")' };
  const offset = Number.parseInt(m[1]!, 16);
  if (offset !== expectedOffset)
    return {
      error: `offset 0x${m[1]} where 0x${expectedOffset.toString(16).padStart(4, '0')} was expected`,
    };
  const bytes = Buffer.from(m[2]!.replaceAll(' ', ''), 'hex');
  if (bytes.length > PER_LINE) return { error: `more than ${PER_LINE} bytes on one line` };
  const shown = printableColumn(bytes);
  if (m[3] !== shown)
    return {
      error: `printable column ${JSON.stringify(m[3])} does not match the hex (${JSON.stringify(shown)})`,
    };
  return { bytes };
}
