// The hixie-75/76 codec: sentinel text frames, `FF 00` closing handshake on -76 (hixie-76 §4.2, §5.3, §7.1).
import { asBuffer, EMPTY } from '../../core/bytes.js';
import { ProtocolFault, UsageError } from '../../core/faults.js';
import type {
  Codec,
  CodecEvent,
  CodecOptions,
  CodecState,
  EncodeOptions,
  OutboundMessage,
} from '../../core/types.js';
import { isValidUtf8 } from '../../core/utf8.js';
import { HixieDecoder } from './decoder.js';

/** hixie-76 §4.2: the closing frame, type 0xFF with length 0. */
export const HIXIE_CLOSE_FRAME: Buffer = Buffer.from([0xff, 0x00]);

export interface HixieCodecProfile {
  /** hixie-76 has the `FF 00` closing handshake; on hixie-75 closing TCP is the close. */
  readonly closingHandshake: boolean;
}

/** `00 <utf-8> FF`: UTF-8 never contains the byte 0xFF, so no escaping is needed. */
export function encodeHixieText(data: string | Uint8Array): Buffer {
  if (typeof data === 'string') {
    const size = Buffer.byteLength(data, 'utf8');
    const frame = Buffer.allocUnsafe(size + 2);
    frame[0] = 0x00;
    frame.write(data, 1, size, 'utf8');
    frame[size + 1] = 0xff;
    return frame;
  }
  // A 0xFF inside would end the frame early on the wire; valid UTF-8 rules that out (RFC 3629 §1).
  if (!isValidUtf8(data)) throw new UsageError('INVALID_UTF8', 'text data must be valid UTF-8');
  const frame = Buffer.allocUnsafe(data.length + 2);
  frame[0] = 0x00;
  frame.set(data, 1);
  frame[data.length + 1] = 0xff;
  return frame;
}

class HixieCodec implements Codec {
  private current: CodecState = 'open';
  private readonly decoder: HixieDecoder;

  constructor(
    options: CodecOptions,
    private readonly profile: HixieCodecProfile,
  ) {
    this.decoder = new HixieDecoder(options.maxPayload, profile.closingHandshake);
  }

  get state(): CodecState {
    return this.current;
  }

  get bufferedBytes(): number {
    return this.decoder.bufferedBytes;
  }

  push(bytes: Uint8Array): CodecEvent[] {
    // hixie-76 §4.2: once the closing frame is seen, further data is ignored (em-websocket tests it).
    if (this.current === 'closed' || bytes.length === 0) return [];
    const events: CodecEvent[] = [];
    try {
      this.decoder.read(asBuffer(bytes), events);
    } catch (err) {
      if (!(err instanceof ProtocolFault)) throw err;
      this.fail(events, err);
      return events;
    }
    if (this.decoder.sawClose) this.peerClosed(events);
    return events;
  }

  end(): CodecEvent[] {
    if (this.current === 'closed') return [];
    const events: CodecEvent[] = [];
    if (!this.decoder.atBoundary) {
      this.fail(events, new ProtocolFault('TRUNCATED_FRAME', 'connection ended inside a hixie frame'));
    } else if (!this.profile.closingHandshake) {
      // hixie-75 has no close frame: the peer closing TCP between frames is the clean close.
      this.current = 'closed';
      events.push({ type: 'close', code: 1005, reason: '' });
    } else this.current = 'closed';
    return events;
  }

  encode(message: OutboundMessage, options?: EncodeOptions): Buffer {
    if (message.type === 'binary')
      throw new UsageError('BINARY_UNSUPPORTED', 'hixie drafts cannot send binary messages');
    if (message.type === 'ping' || message.type === 'pong')
      throw new UsageError('PING_UNSUPPORTED', 'hixie drafts have no ping or pong');
    if (this.current !== 'open' && options?.pastClose !== true)
      throw new UsageError('NOT_OPEN', 'the connection is closing or closed');
    if (message.type === 'text') return encodeHixieText(message.data);
    // close: hixie has no code or reason on the wire; they are ignored.
    if (this.profile.closingHandshake) {
      if (this.current === 'open') this.current = 'closing';
      return Buffer.from(HIXIE_CLOSE_FRAME);
    }
    // hixie-75: closing TCP is the close, so there is nothing to write.
    this.current = 'closed';
    return EMPTY;
  }

  /** hixie-76 §4.2: answer the peer's `FF 00` with ours unless ours already went out. */
  private peerClosed(events: CodecEvent[]): void {
    if (this.current === 'open')
      events.push({ type: 'send', bytes: Buffer.from(HIXIE_CLOSE_FRAME), closes: true });
    this.current = 'closed';
    this.decoder.reset();
    events.push({ type: 'close', code: 1005, reason: '' });
  }

  /** Hixie has no close frame to report a fault with: the connection layer drops TCP (1006). */
  private fail(events: CodecEvent[], fault: ProtocolFault): void {
    this.current = 'closed';
    this.decoder.reset();
    events.push({ type: 'fail', fault: fault.fault, closeCode: fault.closeCode, message: fault.message });
  }
}

/** One codec for both hixie drafts; only the closing handshake differs. */
export function createHixieCodec(options: CodecOptions, profile: HixieCodecProfile): Codec {
  return new HixieCodec(options, profile);
}
