// Incremental reader for hixie-75/76 frames (hixie-76 §4.2, §5.3; drafts.md §1 "Framing", §2 "Framing").
import { ProtocolFault } from '../../core/faults.js';
import type { CodecEvent } from '../../core/types.js';
import { isValidUtf8 } from '../../core/utf8.js';

// Reader modes. Numbers, not strings: the hot loop switches on them per frame.
const TYPE = 0;
const SENTINEL = 1;
const LENGTH = 2;
const SKIP = 3;

/**
 * A base-128 length needs at most 8 bytes to pass Number.MAX_SAFE_INTEGER; a peer sending more
 * (even 0x80 padding that keeps the value at zero) is sending an endless length (em-websocket spec).
 */
const MAX_LENGTH_BYTES = 10;
const LENGTH_LIMIT = Math.floor(Number.MAX_SAFE_INTEGER / 128);

const TEXT_TYPE = 0x00;
const CLOSE_TYPE = 0xff;

/** Up to this size a pooled copy, made and checked for ASCII in one JS pass, is cheaper than a view. */
const SMALL = 64;

/**
 * `bytes` itself when it is valid UTF-8 (the common case: no copy), else a copy with each invalid
 * sequence replaced by U+FFFD, as hixie-76 §5.3 asks for text that is not valid UTF-8.
 */
function validText(bytes: Buffer): Buffer {
  return isValidUtf8(bytes) ? bytes : Buffer.from(bytes.toString('utf8'), 'utf8');
}

/** The text of a frame whole in `buf[start, end)`: a view of it, or for short frames a copy. */
function textOf(buf: Buffer, start: number, end: number): Buffer {
  const n = end - start;
  if (n > SMALL) return validText(buf.subarray(start, end));
  // Node's subarray wrapper costs more than copying a few bytes into the allocation pool.
  const out = Buffer.allocUnsafe(n);
  let high = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[start + i]!;
    out[i] = b;
    high |= b;
  }
  return high < 0x80 ? out : validText(out);
}

/**
 * Splits a byte stream into hixie frames and appends `text` events. Throws ProtocolFault on limits;
 * the codec boundary turns that into one `fail` event. Holds only the bytes of an unterminated text
 * frame, never more than maxPayload. A frame whole inside one chunk is delivered as a view of that
 * chunk (short ones excepted, see textOf); one spanning chunks is copied once, when its 0xFF arrives.
 */
export class HixieDecoder {
  private mode = TYPE;
  /** The frame type byte of the current frame. */
  private frameType = 0;
  /** Sentinel frames: payload bytes seen so far. Length frames: the length, then bytes left to skip. */
  private count = 0;
  private lengthBytes = 0;
  /** Pieces of an unterminated `00` text frame: views of the chunks, joined when the frame ends. */
  private held: Buffer[] = [];
  /** Set when the last `read` stopped at a closing frame. */
  sawClose = false;

  constructor(
    private readonly maxPayload: number,
    /** hixie-76 §5.3: `FF 00` is the closing frame; under hixie-75 it is a discarded empty frame. */
    private readonly closeFrame: boolean,
  ) {}

  /** Bytes held for an unterminated text frame. */
  get bufferedBytes(): number {
    return this.mode === SENTINEL && this.frameType === TEXT_TYPE ? this.count : 0;
  }

  /** True between frames: an end of stream here truncates nothing. */
  get atBoundary(): boolean {
    return this.mode === TYPE;
  }

  /** Reads every frame in `buf` into `out`; stops right after a closing frame and sets `sawClose`. */
  read(buf: Buffer, out: CodecEvent[]): void {
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      if (this.mode === TYPE) {
        const type = buf[pos++]!;
        this.frameType = type;
        this.count = 0;
        // hixie-76 §5.3: the high bit picks a length-prefixed frame, else a 0xFF-terminated one.
        if (type & 0x80) {
          this.lengthBytes = 0;
          this.mode = LENGTH;
        } else {
          this.mode = SENTINEL;
          pos = this.readSentinel(buf, pos, out);
        }
      } else if (this.mode === SENTINEL) pos = this.readSentinel(buf, pos, out);
      else if (this.mode === LENGTH) {
        pos = this.readLength(buf, pos);
        if (this.sawClose) return;
      } else {
        // No binary messages exist on hixie (drafts.md §1): the payload is skipped unread.
        const take = Math.min(this.count, len - pos);
        pos += take;
        this.count -= take;
        if (this.count === 0) this.mode = TYPE;
      }
    }
  }

  /** One base-128 length byte (hixie-76 §5.3), bounded so it cannot grow without end. */
  private readLength(buf: Buffer, pos: number): number {
    const b = buf[pos++]!;
    if (this.count > LENGTH_LIMIT || ++this.lengthBytes > MAX_LENGTH_BYTES)
      throw new ProtocolFault('LENGTH_OVERFLOW', 'hixie frame length does not fit an integer');
    this.count = this.count * 128 + (b & 0x7f);
    if (b & 0x80) return pos;
    if (this.count === 0) {
      this.mode = TYPE;
      // hixie-76 §5.3: type 0xFF with length 0 is the closing frame.
      if (this.closeFrame && this.frameType === CLOSE_TYPE) this.sawClose = true;
    } else if (this.count > this.maxPayload) {
      throw new ProtocolFault('FRAME_TOO_BIG', `hixie frame of ${this.count} bytes over the limit`);
    } else this.mode = SKIP;
    return pos;
  }

  /** One sentinel frame's payload from `pos`: finds its 0xFF natively rather than byte by byte. */
  private readSentinel(buf: Buffer, pos: number, out: CodecEvent[]): number {
    const end = buf.indexOf(0xff, pos);
    const stop = end < 0 ? buf.length : end;
    const size = this.count + (stop - pos);
    // hixie-76 §4.2 lets a server bound frame size; an endless frame is failed, not held.
    if (size > this.maxPayload)
      throw new ProtocolFault('FRAME_TOO_BIG', `hixie text frame over ${this.maxPayload} bytes`);
    const deliver = this.frameType === TEXT_TYPE;
    if (end < 0) {
      if (deliver && stop > pos) this.held.push(buf.subarray(pos, stop));
      this.count = size;
      return stop;
    }
    if (deliver) {
      let data: Buffer;
      if (this.held.length === 0) data = textOf(buf, pos, end);
      else {
        this.held.push(buf.subarray(pos, end));
        data = validText(Buffer.concat(this.held, size));
        this.held = [];
      }
      out.push({ type: 'text', data });
    }
    // drafts.md §1: frame types 0x01-0x7F are read to their 0xFF and discarded.
    this.count = 0;
    this.mode = TYPE;
    return end + 1;
  }

  /** Drops held bytes: after a fault or close nothing more is read. */
  reset(): void {
    this.held = [];
    this.count = 0;
    this.mode = TYPE;
  }
}
