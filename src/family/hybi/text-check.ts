// UTF-8 check of a text frame gathered piece by piece (RFC 6455 §8.1, RFC 3629 §4): each piece checked while in cache.
import { isValidUtf8 } from '../../core/utf8.js';

/** Below this many new bytes a check waits for the next piece: a native call has a fixed cost. */
const MIN_STEP = 4096;

/**
 * The end of the last whole character in `buf[start, end)`, where `start` is a character boundary: `end`,
 * or the start of a sequence cut off by `end`. Bytes that are not UTF-8 count as whole (the check
 * rejects them).
 */
export function lastBoundary(buf: Uint8Array, start: number, end: number): number {
  const stop = Math.max(start, end - 4);
  for (let i = end - 1; i >= stop; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) !== 0x80) {
      const size = b < 0xc0 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      return i + size > end ? i : end;
    }
  }
  return end;
}

/**
 * Splitting at character boundaries keeps the check exact: valid text splits into valid runs, and runs
 * that are each valid join into valid text.
 */
export class GatheredText {
  private checked = 0;
  private valid = true;

  reset(): void {
    this.checked = 0;
    this.valid = true;
  }

  /** `buf[0, filled)` has arrived: check the whole characters not yet checked. */
  update(buf: Buffer, filled: number): void {
    if (!this.valid || filled - this.checked < MIN_STEP) return;
    const end = lastBoundary(buf, this.checked, filled);
    this.valid = isValidUtf8(buf.subarray(this.checked, end));
    this.checked = end;
  }

  /** All `length` bytes have arrived: true when the text is UTF-8. */
  finish(buf: Buffer, length: number): boolean {
    if (this.valid && this.checked < length) this.valid = isValidUtf8(buf.subarray(this.checked, length));
    return this.valid;
  }
}
