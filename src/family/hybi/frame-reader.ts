// Hybi frame parsing (RFC 6455 §5.2-§5.5): header rules, frames across chunks, unmasking (§5.3).
import type { FaultName } from '../../core/faults.js';
import { maskBuffer, maskCopy } from './mask.js';
import { MAX_CONTROL_PAYLOAD, MAX_HEADER, OP_BINARY, OP_PONG, OP_TEXT } from './opcodes.js';
import { GatheredText } from './text-check.js';

/** Where complete frames and header faults go. */
export interface FrameSink {
  /**
   * A complete, unmasked frame. Return false to stop reading (the sink failed or closed). `utf8` is set
   * for a final text frame gathered from several chunks: whether it is UTF-8, checked as it arrived.
   * `compressed` is RSV1 on a frame the negotiated compression extension owns (never with `utf8`).
   */
  frame(
    opcode: number,
    fin: boolean,
    payload: Buffer,
    utf8: boolean | undefined,
    compressed: boolean,
  ): boolean;
  /**
   * A complete frame of a binary message left in the chunks it arrived in: unmasked in place there and
   * handed on as views of them, in order, `length` bytes in all. Only while `FrameReader.partsWanted` is set.
   */
  frameParts(opcode: number, fin: boolean, parts: Buffer[], length: number): boolean;
  /** A framing rule was broken; the reader has stopped. */
  fault(fault: FaultName, message: string): void;
}

export interface FrameReaderOptions {
  /** Servers require masked frames, clients refuse them (RFC 6455 §5.1). */
  readonly expectMasked: boolean;
  /** Reject non-minimal length encodings (RFC 6455 §5.2; not in drafts 07/08). */
  readonly minimalLength: boolean;
  /** Largest reassembled data message, checked from each header before its payload is buffered. */
  readonly maxPayload: number;
  /**
   * The compression extension that owns RSV1 (RFC 7692 §6: on a message's first frame; the per-frame draft:
   * on any data frame). Undefined: RSV1 is a fault like RSV2/3.
   */
  readonly rsv1?: 'message' | 'frame';
}

/**
 * A frame gathered from several chunks is allocated whole when its header arrives, up to this size; a
 * longer one starts here and doubles as bytes arrive, so a header alone never reserves more.
 */
const EAGER_LIMIT = 4 * 1024 * 1024;

/**
 * From this length a final text frame is checked for UTF-8 piece by piece as it is gathered, while each
 * piece is in cache; a shorter one stays in cache whole and is checked once, at the end (fewer calls).
 */
const CHECK_AS_GATHERED = 256 * 1024;

/**
 * From this length a frame spanning chunks may be handed on as views of them (`partsWanted`). Socket reads are
 * at most 64 KiB, so such a frame keeps alive at most one chunk's worth of other bytes at each end.
 */
export const PARTS_FROM = 64 * 1024;

/**
 * Turns a byte stream into frames. A frame that arrives whole inside one chunk is delivered as a view of
 * that chunk, unmasked in place (no copy). A frame spanning chunks is copied into one buffer as each
 * chunk arrives, unmasked on the way (one pass while the chunk is in cache; chunks are not held), unless
 * `partsWanted` lets a long binary frame stay in its chunks, unmasked in place there.
 */
export class FrameReader {
  /**
   * Set by the codec while its application takes binary messages in pieces: a long uncompressed binary frame
   * spanning chunks is then unmasked where it lies and handed to `FrameSink.frameParts`, never copied.
   */
  partsWanted = false;
  /**
   * The start of a header that spans chunks (never more than MAX_HEADER bytes). Made on first need: an
   * idle connection carries no read state (a small pooled slice, not a buffer of its own, when it does).
   */
  private scratch: Buffer | undefined;
  private scratchLength = 0;
  /** The payload of a frame spanning chunks, unmasked so far; undefined between frames. */
  private gathered: Buffer | undefined = undefined;
  /** Instead of `gathered`: views of the chunks a frame spans, unmasked in place (`partsWanted`). */
  private parts: Buffer[] | undefined = undefined;
  /** Bytes of the chunks `parts` keeps alive (their whole length, not just the frame's share). */
  private partsHeld = 0;
  private filled = 0;
  /** Header length of the frame being gathered (its bytes count as held). */
  private headerLength = 0;
  /** A final text frame being gathered is checked for UTF-8 piece by piece. */
  private checkText = false;
  private text: GatheredText | undefined;
  private stopped = false;
  /** A fragmented data message is open (RFC 6455 §5.4) and how many payload bytes it has so far. */
  private messageOpen = false;
  private messageBytes = 0;
  /** The open fragmented message is binary and uncompressed, so its frames may go out as parts. */
  private messageBinary = false;
  // The header parsed last; its masking key (RFC 6455 §5.3) is kept only when gathering or split.
  private opcode = 0;
  private fin = false;
  private rsv1 = false;
  private masked = false;
  private payloadLength = 0;
  private k0 = 0;
  private k1 = 0;
  private k2 = 0;
  private k3 = 0;

  constructor(
    private readonly sink: FrameSink,
    private readonly options: FrameReaderOptions,
  ) {}

  /** Bytes received for the frame in progress (header and payload so far). */
  get bufferedBytes(): number {
    if (this.parts !== undefined) return this.headerLength + this.partsHeld;
    return this.gathered === undefined ? this.scratchLength : this.headerLength + this.filled;
  }

  /** True when the stream so far ends inside a frame or inside a fragmented message. */
  get truncated(): boolean {
    return (
      this.scratchLength > 0 || this.gathered !== undefined || this.parts !== undefined || this.messageOpen
    );
  }

  /** Drop everything held and ignore further input. */
  stop(): void {
    this.stopped = true;
    this.scratchLength = 0;
    this.gathered = undefined;
    this.parts = undefined;
    this.filled = 0;
  }

  push(chunk: Buffer): void {
    if (this.stopped || chunk.length === 0) return;
    let pos = 0;
    if (this.gathered !== undefined || this.parts !== undefined) pos = this.gather(chunk);
    else if (this.scratchLength > 0) pos = this.completeHeader(chunk);
    if (pos >= 0) this.run(chunk, pos);
  }

  /** Frames inside one contiguous buffer, from `pos`; what is left over is kept for the next chunk. */
  private run(buf: Buffer, pos: number): void {
    const len = buf.length;
    while (pos < len) {
      const header = this.header(buf, pos, len - pos);
      if (header < 0) return;
      if (header === 0) {
        this.scratch ??= Buffer.allocUnsafe(MAX_HEADER);
        buf.copy(this.scratch, 0, pos, len);
        this.scratchLength = len - pos;
        return;
      }
      const start = pos + header;
      const end = start + this.payloadLength;
      if (end > len) {
        this.keyFrom(buf, start - 4);
        this.startGathering(buf, start, header);
        return;
      }
      if (!this.deliver(buf, start, end)) return;
      pos = end;
    }
  }

  /** Finish a header begun in an earlier chunk. Returns where its payload's bytes end in `chunk`, or -1. */
  private completeHeader(chunk: Buffer): number {
    const have = this.scratchLength;
    const scratch = this.scratch!;
    const n = Math.min(MAX_HEADER - have, chunk.length);
    chunk.copy(scratch, have, 0, n);
    const header = this.header(scratch, 0, have + n);
    if (header < 0) return -1;
    if (header === 0) {
      // Still short: then all of `chunk` fit in the scratch space.
      this.scratchLength = have + n;
      return -1;
    }
    this.scratchLength = 0;
    // The key sits in the scratch space, not just before the payload.
    this.keyFrom(scratch, header - 4);
    const start = header - have;
    const end = start + this.payloadLength;
    if (end > chunk.length) {
      this.startGathering(chunk, start, header);
      return -1;
    }
    const payload = chunk.subarray(start, end);
    if (this.masked && end > start) maskBuffer(payload, this.k0, this.k1, this.k2, this.k3);
    return this.emit(payload) ? end : -1;
  }

  /** The payload from `buf[start]` runs past this chunk: start its own buffer. */
  private startGathering(buf: Buffer, start: number, header: number): void {
    this.headerLength = header;
    this.filled = 0;
    if (this.partsWanted && this.payloadLength >= PARTS_FROM && this.plainBinary()) {
      this.parts = [];
      this.partsHeld = 0;
      this.appendPart(buf, start, buf.length);
      return;
    }
    this.gathered = Buffer.allocUnsafe(Math.min(this.payloadLength, EAGER_LIMIT));
    this.checkText =
      this.opcode === OP_TEXT && this.fin && !this.rsv1 && this.payloadLength >= CHECK_AS_GATHERED;
    if (this.checkText) {
      this.text ??= new GatheredText();
      this.text.reset();
    }
    this.append(buf, start, buf.length);
  }

  /** More of the payload being gathered. Returns where the frame ends in `chunk`, or -1. */
  private gather(chunk: Buffer): number {
    const want = this.payloadLength - this.filled;
    if (this.parts !== undefined) {
      this.appendPart(chunk, 0, Math.min(want, chunk.length));
      if (chunk.length < want) return -1;
      const parts = this.parts;
      this.parts = undefined;
      this.filled = 0;
      return this.emitParts(parts) ? want : -1;
    }
    if (chunk.length < want) {
      this.append(chunk, 0, chunk.length);
      return -1;
    }
    this.append(chunk, 0, want);
    const payload = this.gathered!;
    this.gathered = undefined;
    this.filled = 0;
    const utf8 = this.checkText ? this.text!.finish(payload, payload.length) : undefined;
    return this.emit(payload, utf8) ? want : -1;
  }

  /** Copy `buf[start..end)` to the end of the gathered payload, unmasking with the key in phase. */
  private append(buf: Buffer, start: number, end: number): void {
    const n = end - start;
    let into = this.gathered!;
    const filled = this.filled;
    if (filled + n > into.length) {
      // Past EAGER_LIMIT: grow geometrically, never beyond the length the header announced.
      const grown = Buffer.allocUnsafe(Math.min(this.payloadLength, Math.max(into.length * 2, filled + n)));
      into.copy(grown, 0, 0, filled);
      into = grown;
      this.gathered = grown;
    }
    if (!this.masked) buf.copy(into, filled, start, end);
    else {
      // RFC 6455 §5.3: payload byte i is masked with key byte i % 4.
      const p = filled;
      maskCopy(buf, start, end, into, p, this.key(p), this.key(p + 1), this.key(p + 2), this.key(p + 3));
    }
    this.filled = filled + n;
    if (this.checkText) this.text!.update(into, filled + n);
  }

  /** Take `buf[start..end)` as the next part of the frame, unmasked in place with the key in phase. */
  private appendPart(buf: Buffer, start: number, end: number): void {
    // The header may end exactly where its chunk does.
    if (end === start) return;
    const part = buf.subarray(start, end);
    const p = this.filled;
    if (this.masked) maskBuffer(part, this.key(p), this.key(p + 1), this.key(p + 2), this.key(p + 3));
    this.parts!.push(part);
    this.partsHeld += buf.length;
    this.filled = p + (end - start);
  }

  /** The masking key byte for payload byte `i` (RFC 6455 §5.3: key byte i % 4). */
  private key(i: number): number {
    const k = i & 3;
    return k === 0 ? this.k0 : k === 1 ? this.k1 : k === 2 ? this.k2 : this.k3;
  }

  /** The frame's payload is a binary message's, as sent: no extension owns its bytes. */
  private plainBinary(): boolean {
    return !this.rsv1 && (this.opcode === OP_BINARY || (this.opcode === 0 && this.messageBinary));
  }

  /**
   * Parse and check the header at `buf[pos]` with `avail` bytes available. Returns its length, 0 when
   * more bytes are needed, or -1 after a fault.
   */
  private header(buf: Buffer, pos: number, avail: number): number {
    if (avail < 2) return 0;
    const b0 = buf[pos]!;
    const b1 = buf[pos + 1]!;
    // RFC 6455 §5.2: RSV1-3 MUST be 0 unless an extension defines them; only compression defines RSV1.
    const rsv1 = (b0 & 0x40) !== 0;
    if (b0 & 0x30 || (rsv1 && this.options.rsv1 === undefined))
      return this.fail(
        'RESERVED_BITS',
        b0 & 0x30 ? 'RSV2 or RSV3 set' : 'RSV1 set with no extension negotiated',
      );
    const opcode = b0 & 0x0f;
    // RFC 7692 §6.1: never on control frames; permessage-deflate sets it on a message's first frame only.
    if (rsv1 && (opcode > OP_BINARY || (opcode === 0 && this.options.rsv1 === 'message')))
      return this.fail('RESERVED_BITS', `RSV1 on a ${opcode === 0 ? 'continuation' : 'control'} frame`);
    const fin = (b0 & 0x80) !== 0;
    let length = b1 & 0x7f;
    if (opcode > OP_BINARY) {
      // RFC 6455 §5.2: 0x3-0x7 and 0xB-0xF are reserved.
      if (opcode < 0x8 || opcode > OP_PONG)
        return this.fail('RESERVED_OPCODE', `reserved opcode ${opcode} (0x${opcode.toString(16)})`);
      // RFC 6455 §5.5: control frames MUST NOT be fragmented and carry at most 125 bytes.
      if (!fin) return this.fail('FRAGMENTED_CONTROL_FRAME', 'control frame without FIN');
      if (length > MAX_CONTROL_PAYLOAD)
        return this.fail('CONTROL_FRAME_TOO_BIG', `control frame payload of ${length} bytes, over 125`);
    } else if (opcode === 0) {
      // RFC 6455 §5.4: a continuation only continues an open message.
      if (!this.messageOpen)
        return this.fail('UNEXPECTED_CONTINUATION', 'continuation frame with no message open');
    } else if (this.messageOpen) {
      return this.fail(
        'CONTINUATION_EXPECTED',
        `new data frame (opcode ${opcode}) inside a fragmented message`,
      );
    }
    const masked = (b1 & 0x80) !== 0;
    // RFC 6455 §5.1: a server MUST close on an unmasked frame; a client MUST close on a masked one.
    if (masked !== this.options.expectMasked)
      return masked
        ? this.fail('MASKED_FRAME', 'a server sent a masked frame')
        : this.fail('UNMASKED_FRAME', 'a client sent an unmasked frame');
    let size = length === 126 ? 4 : length === 127 ? 10 : 2;
    if (masked) size += 4;
    if (avail < size) return 0;
    if (length === 126) {
      length = (buf[pos + 2]! << 8) | buf[pos + 3]!;
      // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
      if (length < 126 && this.options.minimalLength)
        return this.fail('NON_MINIMAL_LENGTH', '16-bit length below 126');
    } else if (length === 127) {
      const high = buf.readUInt32BE(pos + 2);
      // RFC 6455 §5.2: the most significant bit of a 64-bit length MUST be 0.
      if (high >= 0x80000000) return this.fail('LENGTH_MSB_SET', '64-bit length with its top bit set');
      length = high * 0x100000000 + buf.readUInt32BE(pos + 6);
      if (length < 0x10000 && this.options.minimalLength)
        return this.fail('NON_MINIMAL_LENGTH', '64-bit length below 65536');
    }
    // Checked before any payload is buffered, counting the whole reassembled message (RFC 6455 §10.4).
    if (opcode < 0x8 && this.messageBytes + length > this.options.maxPayload)
      return this.fail('MESSAGE_TOO_BIG', `message over ${this.options.maxPayload} bytes`);
    this.opcode = opcode;
    this.fin = fin;
    this.rsv1 = rsv1;
    this.masked = masked;
    this.payloadLength = length;
    return size;
  }

  /** Unmask `buf[start..end)` in place, its key just before it, and hand the frame on. */
  private deliver(buf: Buffer, start: number, end: number): boolean {
    const payload = buf.subarray(start, end);
    if (this.masked && end > start)
      maskBuffer(payload, buf[start - 4]!, buf[start - 3]!, buf[start - 2]!, buf[start - 1]!);
    return this.emit(payload);
  }

  /** Keep the masking key (RFC 6455 §5.3) of a frame whose payload is not right after it. */
  private keyFrom(buf: Buffer, pos: number): void {
    if (!this.masked) return;
    this.k0 = buf[pos]!;
    this.k1 = buf[pos + 1]!;
    this.k2 = buf[pos + 2]!;
    this.k3 = buf[pos + 3]!;
  }

  /** Update the message state and hand an unmasked frame to the sink. */
  private emit(payload: Buffer, utf8?: boolean): boolean {
    this.advance(payload.length);
    if (this.sink.frame(this.opcode, this.fin, payload, utf8, this.rsv1)) return true;
    this.stop();
    return false;
  }

  /** The same for a frame left in its chunks. */
  private emitParts(parts: Buffer[]): boolean {
    const length = this.payloadLength;
    this.advance(length);
    if (this.sink.frameParts(this.opcode, this.fin, parts, length)) return true;
    this.stop();
    return false;
  }

  /** RFC 6455 §5.4: a data frame opens, continues or ends a message. */
  private advance(length: number): void {
    const opcode = this.opcode;
    if (opcode >= 0x8) return;
    if (this.fin) {
      this.messageOpen = false;
      this.messageBytes = 0;
      return;
    }
    if (opcode !== 0) this.messageBinary = opcode === OP_BINARY && !this.rsv1;
    this.messageOpen = true;
    this.messageBytes += length;
  }

  private fail(fault: FaultName, message: string): -1 {
    this.stop();
    this.sink.fault(fault, message);
    return -1;
  }
}
