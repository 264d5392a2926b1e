// UTF-8 checks done in pieces (RFC 6455 §8.1, RFC 3629 §4): a long frame as it is gathered, a fragmented message as it arrives.
import { isValidUtf8, Utf8Validator } from '../../core/utf8.js';

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
      return i + sequenceLength(b) > end ? i : end;
    }
  }
  return end;
}

/** The length of the sequence a lead byte starts (4 for bytes that are not UTF-8: the check rejects them). */
function sequenceLength(lead: number): number {
  return lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
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

/**
 * The fail-fast check of a fragmented text message (Autobahn 6.4.x: a fragment that makes the text
 * invalid fails at once). The whole characters of each fragment are checked natively; only a character
 * cut between fragments goes through the byte-wise validator, which then ends in its initial state.
 */
export class FragmentedText {
  private readonly bytewise = new Utf8Validator();
  /** Bytes still owed to a character begun in an earlier fragment. */
  private owed = 0;

  /** False as soon as the text so far cannot be the start of valid UTF-8. */
  update(fragment: Uint8Array): boolean {
    const n = fragment.length;
    let i = 0;
    if (this.owed > 0) {
      i = Math.min(this.owed, n);
      if (!this.bytewise.update(fragment.subarray(0, i))) return false;
      this.owed -= i;
      if (this.owed > 0) return true;
    }
    const end = lastBoundary(fragment, i, n);
    if (end > i && !isValidUtf8(fragment.subarray(i, end))) {
      this.bytewise.reset();
      return false;
    }
    if (end === n) return true;
    this.owed = sequenceLength(fragment[end]!) - (n - end);
    return this.bytewise.update(fragment.subarray(end, n));
  }

  /** True when the message ended on a character boundary. Resets for the next message. */
  finish(): boolean {
    this.owed = 0;
    return this.bytewise.finish();
  }

  reset(): void {
    this.owed = 0;
    this.bytewise.reset();
  }
}
