// Hybi frame parsing (RFC 6455 §5.2-§5.5): buffering across chunks, header rules, in-place unmasking.
import type { FaultName } from '../../core/faults.js';
import { maskBuffer } from './mask.js';
import { MAX_CONTROL_PAYLOAD, MAX_HEADER, OP_BINARY, OP_PONG } from './opcodes.js';

/** Where complete frames and header faults go. */
export interface FrameSink {
  /** A complete, unmasked frame. Return false to stop reading (the sink failed or closed). */
  frame(opcode: number, fin: boolean, payload: Buffer): boolean;
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
}

/**
 * Turns a byte stream into frames. A frame that arrives whole inside one chunk is delivered as a view of
 * that chunk (no copy); a frame spanning chunks is copied once, when its last byte arrives.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already consumed. */
  private offset = 0;
  private held = 0;
  /** Bytes that must be held before the next step can make progress. */
  private need = 2;
  private stopped = false;
  /** A fragmented data message is open (RFC 6455 §5.4) and how many payload bytes it has so far. */
  private messageOpen = false;
  private messageBytes = 0;
  // The header parsed last.
  private opcode = 0;
  private fin = false;
  private masked = false;
  private payloadLength = 0;
  private readonly scratch = Buffer.alloc(MAX_HEADER);

  constructor(
    private readonly sink: FrameSink,
    private readonly options: FrameReaderOptions,
  ) {}

  /** Bytes held waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.held;
  }

  /** True when the stream so far ends inside a frame or inside a fragmented message. */
  get truncated(): boolean {
    return this.held > 0 || this.messageOpen;
  }

  /** Drop everything held and ignore further input. */
  stop(): void {
    this.stopped = true;
    this.chunks = [];
    this.offset = 0;
    this.held = 0;
  }

  push(chunk: Buffer): void {
    if (this.stopped || chunk.length === 0) return;
    if (this.held === 0) {
      this.run(chunk, 0);
      return;
    }
    this.chunks.push(chunk);
    this.held += chunk.length;
    if (this.held >= this.need) this.gather();
  }

  /** Fast path: frames inside one contiguous buffer, starting at `pos`. Nothing may be held on entry. */
  private run(buf: Buffer, pos: number): void {
    const len = buf.length;
    while (pos < len) {
      const header = this.header(buf, pos, len - pos);
      if (header < 0) return;
      if (header === 0) break;
      const total = header + this.payloadLength;
      if (len - pos < total) {
        this.need = total;
        break;
      }
      if (!this.deliver(buf, pos + header, pos + total)) return;
      pos += total;
    }
    if (pos < len) {
      this.chunks = [buf];
      this.offset = pos;
      this.held = len - pos;
    } else {
      this.need = 2;
    }
  }

  /** Slow path: a frame spread over held chunks. Runs while enough bytes are held for the next step. */
  private gather(): void {
    while (!this.stopped && this.held >= this.need) {
      const first = this.chunks[0]!;
      const inFirst = first.length - this.offset;
      let header: number;
      if (inFirst >= MAX_HEADER || inFirst === this.held) header = this.header(first, this.offset, inFirst);
      else {
        const n = Math.min(MAX_HEADER, this.held);
        this.copyOut(this.scratch, n, false);
        header = this.header(this.scratch, 0, n);
      }
      if (header < 0) return;
      if (header === 0) continue; // `need` grew to the full header length
      const total = header + this.payloadLength;
      if (this.held < total) {
        this.need = total;
        return;
      }
      const frame = this.take(total);
      if (!this.deliver(frame, header, total)) return;
      this.need = 2;
      if (this.chunks.length === 1) {
        // What is left sits in one chunk: continue on the fast path.
        const rest = this.chunks[0]!;
        const at = this.offset;
        this.chunks = [];
        this.offset = 0;
        this.held = 0;
        this.run(rest, at);
        return;
      }
    }
  }

  /** Consume exactly `n` held bytes as one contiguous buffer (a view when they lie in one chunk). */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.offset += n;
      this.held -= n;
      if (this.offset === first.length) {
        this.chunks.shift();
        this.offset = 0;
      }
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    this.copyOut(out, n, true);
    return out;
  }

  /** Copy the first `n` held bytes into `out`, consuming them when `consume` is set. */
  private copyOut(out: Buffer, n: number, consume: boolean): void {
    let copied = 0;
    let index = 0;
    let offset = this.offset;
    while (copied < n) {
      const chunk = this.chunks[index]!;
      const k = Math.min(chunk.length - offset, n - copied);
      chunk.copy(out, copied, offset, offset + k);
      copied += k;
      offset += k;
      if (offset === chunk.length) {
        index++;
        offset = 0;
      }
    }
    if (!consume) return;
    this.chunks.splice(0, index);
    this.offset = offset;
    this.held -= n;
  }

  /**
   * Parse and check the header at `buf[pos]` with `avail` bytes available. Returns its length, 0 when
   * more bytes are needed (`need` updated), or -1 after a fault.
   */
  private header(buf: Buffer, pos: number, avail: number): number {
    if (avail < 2) {
      this.need = 2;
      return 0;
    }
    const b0 = buf[pos]!;
    const b1 = buf[pos + 1]!;
    // RFC 6455 §5.2: RSV1-3 MUST be 0 unless an extension defines them; none is negotiated.
    if (b0 & 0x70) return this.fail('RESERVED_BITS', 'RSV bits set with no extension negotiated');
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    let length = b1 & 0x7f;
    if (opcode > OP_BINARY) {
      // RFC 6455 §5.2: 0x3-0x7 and 0xB-0xF are reserved.
      if (opcode < 0x8 || opcode > OP_PONG)
        return this.fail('RESERVED_OPCODE', `reserved opcode 0x${opcode.toString(16)}`);
      // RFC 6455 §5.5: control frames MUST NOT be fragmented and carry at most 125 bytes.
      if (!fin) return this.fail('FRAGMENTED_CONTROL_FRAME', 'control frame without FIN');
      if (length > MAX_CONTROL_PAYLOAD)
        return this.fail('CONTROL_FRAME_TOO_BIG', 'control frame over 125 bytes');
    } else if (opcode === 0) {
      // RFC 6455 §5.4: a continuation only continues an open message.
      if (!this.messageOpen)
        return this.fail('UNEXPECTED_CONTINUATION', 'continuation frame with no message open');
    } else if (this.messageOpen) {
      return this.fail('CONTINUATION_EXPECTED', 'new data frame inside a fragmented message');
    }
    const masked = (b1 & 0x80) !== 0;
    // RFC 6455 §5.1: a server MUST close on an unmasked frame; a client MUST close on a masked one.
    if (masked !== this.options.expectMasked)
      return masked
        ? this.fail('MASKED_FRAME', 'a server sent a masked frame')
        : this.fail('UNMASKED_FRAME', 'a client sent an unmasked frame');
    let size = length === 126 ? 4 : length === 127 ? 10 : 2;
    if (masked) size += 4;
    if (avail < size) {
      this.need = size;
      return 0;
    }
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
    this.masked = masked;
    this.payloadLength = length;
    return size;
  }

  /** Unmask `buf[start..end)` in place, update the message state and hand the frame on. */
  private deliver(buf: Buffer, start: number, end: number): boolean {
    const payload = buf.subarray(start, end);
    if (this.masked && end > start)
      maskBuffer(payload, buf[start - 4]!, buf[start - 3]!, buf[start - 2]!, buf[start - 1]!);
    const opcode = this.opcode;
    if (opcode < 0x8) {
      if (this.fin) {
        this.messageOpen = false;
        this.messageBytes = 0;
      } else {
        this.messageOpen = true;
        this.messageBytes += end - start;
      }
    }
    if (this.sink.frame(opcode, this.fin, payload)) return true;
    this.stop();
    return false;
  }

  private fail(fault: FaultName, message: string): -1 {
    this.stop();
    this.sink.fault(fault, message);
    return -1;
  }
}
