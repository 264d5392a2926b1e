// The hybi codec (RFC 6455 §5-§7): messages, control frames, closing handshake and failure, over FrameReader.
import { asBuffer, EMPTY } from '../../core/bytes.js';
import { type FaultName, UsageError } from '../../core/faults.js';
import {
  type Codec,
  type CodecEvent,
  type CodecOptions,
  type CodecState,
  type Compression,
  type DataMessage,
  DEFAULT_MAX_FRAGMENTS,
  type DeflateJob,
  type EncodeOptions,
  type OutboundMessage,
  type Role,
} from '../../core/types.js';
import { isValidUtf8 } from '../../core/utf8.js';
import { encodeCloseFrame, encodeFrame, encodeTextFrame } from './frame-encoder.js';
import { encodeFrameHeader, encodeFrameParts, PARTS_THRESHOLD } from './frame-parts.js';
import { FrameReader, type FrameSink } from './frame-reader.js';
import {
  MAX_CLOSE_REASON,
  MAX_CONTROL_PAYLOAD,
  OP_BINARY,
  OP_CLOSE,
  OP_CONTINUATION,
  OP_PING,
  OP_PONG,
  OP_TEXT,
  RSV1,
} from './opcodes.js';
import { faultCloseCode, type HybiProfile, isCloseCodeAllowed } from './profile.js';
import { FragmentedText } from './text-check.js';

/** RFC 6455 §7.1.5: the code reported for a close frame without a body. */
const NO_STATUS = 1005;

export class HybiCodec implements Codec, FrameSink {
  state: CodecState = 'open';
  private events: CodecEvent[] = [];
  private readonly reader: FrameReader;
  /** Fragments of the open data message (RFC 6455 §5.4) and its opcode. */
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  /** Frames the open message came in (`fragments` may hold several pieces of one frame). */
  private fragmentFrames = 0;
  private messageOpcode = 0;
  /** The open message's first frame had RSV1 (RFC 7692 §6): its fragments are inflated once it ends. */
  private messageCompressed = false;
  /** Made when a fragmented text message first needs it: most connections never do. */
  private utf8: FragmentedText | undefined;
  private readonly rng: CodecOptions['rng'] | undefined;
  private readonly maxFragments: number;
  private readonly compression: Compression | undefined;
  private readonly maxPayload: number;

  constructor(
    private readonly profile: HybiProfile,
    role: Role,
    options: CodecOptions,
  ) {
    // RFC 6455 §5.3: a client masks every frame with a fresh key; a server never masks.
    this.rng = role === 'client' ? options.rng : undefined;
    this.maxFragments = options.maxFragments ?? DEFAULT_MAX_FRAGMENTS;
    this.compression = options.compression;
    this.maxPayload = options.maxPayload;
    this.reader = new FrameReader(this, {
      expectMasked: role === 'server',
      minimalLength: profile.minimalLength,
      maxPayload: options.maxPayload,
      ...(options.compression ? { rsv1: options.compression.unit } : {}),
    });
  }

  /** Codec.receiveParts. */
  receiveParts(on: boolean): void {
    this.reader.partsWanted = on;
  }

  get bufferedBytes(): number {
    return this.reader.bufferedBytes + this.fragmentBytes;
  }

  push(bytes: Uint8Array): CodecEvent[] {
    if (this.state === 'closed') return [];
    const events: CodecEvent[] = [];
    this.events = events;
    this.reader.push(asBuffer(bytes));
    this.events = [];
    return events;
  }

  end(): CodecEvent[] {
    if (this.state === 'closed') return [];
    const events: CodecEvent[] = [];
    this.events = events;
    if (this.reader.truncated)
      this.fail('TRUNCATED_FRAME', 'the transport ended inside a frame or message', false);
    this.state = 'closed';
    this.reader.stop();
    this.release();
    this.compression?.close();
    this.events = [];
    return events;
  }

  encode(message: OutboundMessage, options?: EncodeOptions): Buffer {
    if (this.state !== 'open' && options?.pastClose !== true)
      throw new UsageError('NOT_OPEN', `cannot send: the connection is ${this.state}`);
    switch (message.type) {
      case 'text': {
        const data = message.data;
        if (typeof data !== 'string' && !isValidUtf8(data))
          throw new UsageError('INVALID_UTF8', 'text message bytes are not UTF-8');
        const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
        if (this.compresses(message.compress, length))
          return this.encodeCompressed(OP_TEXT, typeof data === 'string' ? Buffer.from(data) : data);
        if (typeof data === 'string') return encodeTextFrame(OP_TEXT, data, this.mask());
        return encodeFrame(OP_TEXT, data, this.mask());
      }
      case 'binary':
        if (this.compresses(message.compress, message.data.length))
          return this.encodeCompressed(OP_BINARY, message.data);
        return encodeFrame(OP_BINARY, message.data, this.mask());
      case 'ping':
      case 'pong': {
        const data = message.data ?? EMPTY;
        // RFC 6455 §5.5: control frame payloads are at most 125 bytes.
        if (data.length > MAX_CONTROL_PAYLOAD)
          throw new UsageError(
            'CONTROL_TOO_BIG',
            `${message.type} payload over ${MAX_CONTROL_PAYLOAD} bytes`,
          );
        return encodeFrame(message.type === 'ping' ? OP_PING : OP_PONG, data, this.mask());
      }
      case 'close':
        return this.encodeClose(message.code, message.reason ?? '');
      default:
        throw new UsageError('INVALID_MESSAGE', 'unknown message type');
    }
  }

  /**
   * Codec.encodeDeferred: a message from the compression's asyncThreshold up as a deflate to run elsewhere.
   * The sent history is updated now, so what follows may be encoded at once; `frame` adds RSV1 and the mask.
   */
  encodeDeferred(message: DataMessage, options?: EncodeOptions): DeflateJob | undefined {
    const c = this.compression;
    const data = message.data;
    const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (c === undefined || length < c.asyncThreshold || !this.compresses(message.compress, length))
      return undefined;
    if (this.state !== 'open' && options?.pastClose !== true)
      throw new UsageError('NOT_OPEN', `cannot send: the connection is ${this.state}`);
    if (message.type === 'text' && typeof data !== 'string' && !isValidUtf8(data))
      throw new UsageError('INVALID_UTF8', 'text message bytes are not UTF-8');
    const opcode = (message.type === 'text' ? OP_TEXT : OP_BINARY) | RSV1;
    const call = c.prepareDeflate(typeof data === 'string' ? Buffer.from(data) : data);
    return { ...call, frame: (deflated) => encodeFrame(opcode, c.finishDeflate(deflated), this.mask()) };
  }

  /** Compress when an extension was negotiated, the sender did not opt out and the message is long enough. */
  private compresses(asked: boolean | undefined, length: number): boolean {
    const c = this.compression;
    return c !== undefined && asked !== false && length >= c.threshold;
  }

  /** One frame with RSV1 set: RFC 7692 §7.2.1 (a whole message) or the per-frame draft (one frame). */
  private encodeCompressed(opcode: number, data: Uint8Array): Buffer {
    return encodeFrame(opcode | RSV1, this.compression!.deflate(data), this.mask());
  }

  /**
   * Codec.encodeParts: a large server data message as [header, payload], the payload not copied. Undefined
   * for clients (they mask, so they copy anyway), small payloads and strings, and when not open (encode()
   * then reports why).
   */
  encodeParts(message: DataMessage): readonly Buffer[] | undefined {
    const data = message.data;
    if (this.rng !== undefined || this.state !== 'open' || typeof data === 'string') return undefined;
    // A compressed message is written from zlib's output, never from the caller's bytes.
    if (data.length < PARTS_THRESHOLD || this.compresses(message.compress, data.length)) return undefined;
    if (message.type === 'binary') return encodeFrameParts(OP_BINARY, asBuffer(data));
    if (!isValidUtf8(data)) throw new UsageError('INVALID_UTF8', 'text message bytes are not UTF-8');
    return encodeFrameParts(OP_TEXT, asBuffer(data));
  }

  /** Codec.encodePieces: as encodeParts, for a payload given as pieces (a server's relay of 'binary-parts'). */
  encodePieces(pieces: readonly Buffer[], length: number, compress?: boolean): readonly Buffer[] | undefined {
    if (this.rng !== undefined || this.state !== 'open') return undefined;
    if (length < PARTS_THRESHOLD || this.compresses(compress, length)) return undefined;
    return [encodeFrameHeader(OP_BINARY, length), ...pieces];
  }

  private encodeClose(code: number | undefined, reason: string): Buffer {
    if (code === undefined) {
      if (reason !== '') throw new UsageError('INVALID_CLOSE_CODE', 'a close reason needs a close code');
    } else if (!Number.isInteger(code) || !isCloseCodeAllowed(this.profile, code)) {
      throw new UsageError('INVALID_CLOSE_CODE', `close code ${code} may not be sent on ${this.profile.id}`);
    }
    const reasonBytes = Buffer.from(reason, 'utf8');
    // RFC 6455 §5.5.1: code + reason must fit a 125-byte control frame.
    if (reasonBytes.length > MAX_CLOSE_REASON)
      throw new UsageError('REASON_TOO_LONG', `close reason over ${MAX_CLOSE_REASON} bytes`);
    const frame = encodeCloseFrame(OP_CLOSE, code, reasonBytes, this.mask());
    if (this.state === 'open') this.state = 'closing';
    return frame;
  }

  /** FrameSink: one complete frame from the reader. */
  frame(
    opcode: number,
    fin: boolean,
    payload: Buffer,
    utf8: boolean | undefined,
    compressed: boolean,
  ): boolean {
    if (compressed && this.compression?.unit === 'frame') {
      // The per-frame draft: each RSV1 frame inflates on its own, then is an ordinary frame.
      const inflated = this.inflate(
        payload,
        this.maxPayload - (opcode === OP_CONTINUATION ? this.fragmentBytes : 0),
      );
      if (inflated === undefined) return false;
      return this.frame(opcode, fin, inflated, undefined, false);
    }
    switch (opcode) {
      case OP_TEXT:
      case OP_BINARY: {
        if (fin) {
          const data = compressed ? this.inflate(payload, this.maxPayload) : payload;
          if (data === undefined) return false;
          // RFC 6455 §8.1: a text message MUST be UTF-8.
          if (opcode === OP_TEXT && !((compressed ? undefined : utf8) ?? isValidUtf8(data)))
            return this.fail('INVALID_UTF8', 'text is not UTF-8');
          this.events.push({ type: opcode === OP_TEXT ? 'text' : 'binary', data });
          return true;
        }
        this.openMessage(opcode, compressed, payload.length);
        this.fragments.push(payload);
        return opcode === OP_BINARY || compressed || this.checkFragment(payload);
      }
      case OP_CONTINUATION:
        return this.continuation(fin, payload);
      case OP_PING:
        this.events.push({ type: 'ping', data: payload });
        // RFC 6455 §5.5.2: answer with a pong carrying the same data, unless we are already closing.
        if (this.state === 'open')
          this.events.push({ type: 'send', bytes: encodeFrame(OP_PONG, payload, this.mask()) });
        return true;
      case OP_PONG:
        this.events.push({ type: 'pong', data: payload });
        return true;
      default:
        return this.peerClose(payload);
    }
  }

  /** FrameSink: a binary frame as views of the chunks it arrived in (only while parts are wanted). */
  frameParts(opcode: number, fin: boolean, parts: Buffer[], length: number): boolean {
    // Switched off since the reader took the frame: one Buffer, as ever.
    if (!this.reader.partsWanted)
      return this.frame(opcode, fin, Buffer.concat(parts, length), undefined, false);
    if (opcode === OP_CONTINUATION) {
      if (!this.addFrame(length)) return false;
      for (const part of parts) this.fragments.push(part);
      return fin ? this.endMessage() : true;
    }
    if (fin) {
      this.events.push({ type: 'binary-parts', parts });
      return true;
    }
    this.openMessage(opcode, false, length);
    this.fragments = parts;
    return true;
  }

  /** FrameSink: a framing fault found by the reader. */
  fault(fault: FaultName, message: string): void {
    this.fail(fault, message);
  }

  /** The first frame of a fragmented data message (RFC 6455 §5.4). */
  private openMessage(opcode: number, compressed: boolean, length: number): void {
    this.messageOpcode = opcode;
    this.messageCompressed = compressed;
    this.fragmentBytes = length;
    this.fragmentFrames = 1;
  }

  /** Count one more frame of the open message, or fail past maxFragments. */
  private addFrame(length: number): boolean {
    // Empty or 1-byte fragments add little to maxPayload but a whole entry each: count them too.
    if (this.fragmentFrames >= this.maxFragments)
      return this.fail('TOO_MANY_FRAGMENTS', `message in more than ${this.maxFragments} frames`);
    this.fragmentFrames++;
    this.fragmentBytes += length;
    return true;
  }

  private continuation(fin: boolean, payload: Buffer): boolean {
    if (!this.addFrame(payload.length)) return false;
    this.fragments.push(payload);
    if (this.messageOpcode === OP_TEXT && !this.messageCompressed && !this.checkFragment(payload))
      return false;
    return fin ? this.endMessage() : true;
  }

  /** The open message's last frame came: check, join (unless wanted in parts) or inflate, and deliver it. */
  private endMessage(): boolean {
    const text = this.messageOpcode === OP_TEXT;
    const compressed = this.messageCompressed;
    // RFC 6455 §8.1: the message must also end on a character boundary.
    if (text && !compressed && !this.utf8!.finish())
      return this.fail('INVALID_UTF8', 'text ends inside a UTF-8 sequence');
    if (!text && !compressed && this.reader.partsWanted) {
      const parts = this.fragments;
      this.release();
      this.events.push({ type: 'binary-parts', parts });
      return true;
    }
    const joined =
      this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments, this.fragmentBytes);
    this.release();
    // RFC 7692 §7.2.2: the fragments' payloads together are one compressed message.
    const data = compressed ? this.inflate(joined, this.maxPayload) : joined;
    if (data === undefined) return false;
    if (compressed && text && !isValidUtf8(data)) return this.fail('INVALID_UTF8', 'text is not UTF-8');
    this.events.push({ type: text ? 'text' : 'binary', data });
    return true;
  }

  /** Inflate within `limit` bytes (RFC 6455 §10.4: the inflated size is what counts), or fail. */
  private inflate(data: Buffer, limit: number): Buffer | undefined {
    const out = this.compression!.inflate(data, limit);
    if (out === 'too-big') {
      this.fail('MESSAGE_TOO_BIG', `message over ${this.maxPayload} bytes once inflated`);
      return undefined;
    }
    if (out === 'corrupt') {
      this.fail('INFLATE_FAILED', 'compressed payload does not inflate');
      return undefined;
    }
    return out;
  }

  /** Fail fast on a fragment that makes the text invalid, before the message ends (Autobahn 6.4.x). */
  private checkFragment(payload: Buffer): boolean {
    this.utf8 ??= new FragmentedText();
    return this.utf8.update(payload) || this.fail('INVALID_UTF8', 'text is not UTF-8');
  }

  /** RFC 6455 §5.5.1, §7.1.5: the peer's close frame; echo it unless ours went out first. */
  private peerClose(payload: Buffer): boolean {
    let code = NO_STATUS;
    let reason = '';
    if (payload.length === 1) return this.fail('INVALID_CLOSE_PAYLOAD', 'close frame body of one byte');
    if (payload.length >= 2) {
      code = (payload[0]! << 8) | payload[1]!;
      if (!isCloseCodeAllowed(this.profile, code))
        return this.fail('INVALID_CLOSE_CODE', `close code ${code} is not allowed on ${this.profile.id}`);
      const reasonBytes = payload.subarray(2);
      if (!isValidUtf8(reasonBytes)) return this.fail('INVALID_UTF8', 'close reason is not UTF-8');
      reason = reasonBytes.toString('utf8');
    }
    this.events.push({ type: 'close', code, reason });
    if (this.state === 'open') {
      // The reply echoes code and reason (as ws does): the reason already fit the peer's frame.
      const echo = encodeCloseFrame(
        OP_CLOSE,
        code === NO_STATUS ? undefined : code,
        payload.subarray(2),
        this.mask(),
      );
      this.events.push({ type: 'send', bytes: echo, closes: true });
    }
    this.state = 'closed';
    this.release();
    this.compression?.close();
    return false;
  }

  /** Fail the connection: our close frame (if we may still send one), then exactly one `fail` event. */
  private fail(fault: FaultName, message: string, sendClose = true): false {
    const closeCode = faultCloseCode(this.profile, fault);
    if (sendClose && this.state === 'open' && isCloseCodeAllowed(this.profile, closeCode))
      this.events.push({
        type: 'send',
        bytes: encodeCloseFrame(OP_CLOSE, closeCode, EMPTY, this.mask()),
        closes: true,
      });
    this.events.push({ type: 'fail', fault, closeCode, message });
    this.state = 'closed';
    this.reader.stop();
    this.release();
    this.compression?.close();
    return false;
  }

  private release(): void {
    this.fragments = [];
    this.fragmentBytes = 0;
    this.fragmentFrames = 0;
    this.messageOpcode = 0;
    this.messageCompressed = false;
    this.utf8?.reset();
  }

  private mask(): Uint8Array | undefined {
    return this.rng === undefined ? undefined : this.rng(4);
  }
}
