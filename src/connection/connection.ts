// One WebSocket, whatever the draft: what the application calls (send, ping, close, ...) over the inbound
// half in connection-core.ts (RFC 6455 §5.5.1, §7; hixie-76 §4.2 FF 00; hixie-75: TCP close).

import { asBuffer, EMPTY } from '../core/bytes.js';
import { UsageError } from '../core/faults.js';
import type { Codec, DataMessage } from '../core/types.js';
import { validateCloseArgs } from './close-args.js';
import { closeCodeFor } from './close-codes.js';
import { ConnectionCore } from './connection-core.js';
import type { ConnectionInit, OpenSetup, SendCallback } from './connection-types.js';
import { HANDSHAKE_FAILED, OPEN, SET_ABORT } from './internal.js';
import {
  BINARY_TO_LEGACY,
  type BinaryToLegacy,
  DEFAULT_BINARY_TO_LEGACY,
  isBinaryToLegacy,
  legacyText,
} from './legacy-binary.js';
import { controlPayload, type SendData, toPayload } from './payload.js';
import { CLOSED, CLOSING, CONNECTING, defineReadyStates, notOpenError, OPEN_STATE } from './ready-state.js';
import { ConnectionSink } from './sink.js';
import type { Transport } from './transport.js';
import type { Listener } from './typed-events.js';
import { writeParts } from './write-parts.js';

export type { ConnectionInit, OpenSetup, SendCallback } from './connection-types.js';
export type { BinaryToLegacy } from './legacy-binary.js';
export type { SendData } from './payload.js';
export type { ReadyState } from './ready-state.js';

/** Every encode may come after the codec consumed the peer's close: canSend() is the gate (RFC 6455 §5.5.1). */
const PAST = { pastClose: true } as const;

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged interface only narrows EventEmitter methods.
export class Connection extends ConnectionCore {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN_STATE;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  // On the prototype (defineReadyStates), not copied into every instance.
  declare readonly CONNECTING: typeof CONNECTING;
  declare readonly OPEN: typeof OPEN_STATE;
  declare readonly CLOSING: typeof CLOSING;
  declare readonly CLOSED: typeof CLOSED;

  private legacyPolicy: BinaryToLegacy;
  private undeliveredCount = 0;

  constructor(init: ConnectionInit) {
    super(init);
    this.legacyPolicy = DEFAULT_BINARY_TO_LEGACY;
    if (init.binaryToLegacy !== undefined) this.binaryToLegacy = init.binaryToLegacy;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Stop reading from the peer (as ws 8): events already decoded are still emitted, later bytes stay in
   * the OS, so TCP flow control reaches a peer that keeps sending. A no-op while CONNECTING or CLOSED.
   */
  pause(): void {
    if (this.state === CONNECTING || this.state === CLOSED) return;
    this.paused = true;
    this.transport?.pause();
  }

  /** Read from the peer again after pause(). A no-op while CONNECTING or CLOSED. */
  resume(): void {
    if (this.state === CONNECTING || this.state === CLOSED) return;
    this.paused = false;
    this.transport?.resume();
  }

  /**
   * Off by default. On: binary messages arrive at 'messageParts' (not 'message') as the pieces they came in,
   * in order: a long frame that spans socket reads is unmasked where it lies instead of being copied into one
   * message-sized Buffer (docs/api.md, `receiveParts`). Text is unaffected.
   */
  get receiveParts(): boolean {
    return this.partsWanted;
  }

  set receiveParts(on: boolean) {
    this.partsWanted = Boolean(on);
    this.codec?.receiveParts?.(this.partsWanted);
  }

  /** Bytes accepted by send() and not yet handed to the OS. */
  get bufferedAmount(): number {
    return this.transport?.writableLength ?? 0;
  }

  /** Messages send() accepted that the peer's draft could not carry (binaryToLegacy 'error', 'drop', 'close'). */
  get undelivered(): number {
    return this.undeliveredCount;
  }

  /** What send(binary) does toward a draft without binary frames (docs/api.md "What every draft guarantees"). */
  get binaryToLegacy(): BinaryToLegacy {
    return this.legacyPolicy;
  }

  set binaryToLegacy(policy: BinaryToLegacy) {
    if (!isBinaryToLegacy(policy))
      throw new TypeError(`binaryToLegacy must be one of ${BINARY_TO_LEGACY.join(', ')}`);
    this.legacyPolicy = policy;
  }

  /**
   * Send a message: strings as text, bytes as binary unless `{ binary: false }`; with compression
   * negotiated, messages from the threshold up are compressed unless `{ compress: false }`. False when
   * congested, or when nothing was written: past OPEN (as ws 8, `cb` gets a NOT_OPEN error) or binary the
   * draft cannot carry (`binaryToLegacy`). Messages decoded before the peer's close may still be answered
   * until our close frame is written (RFC 6455 §5.5.1).
   */
  send(
    data: SendData,
    options?: { binary?: boolean; compress?: boolean } | SendCallback,
    cb?: SendCallback,
  ): boolean {
    if (typeof options === 'function') {
      cb = options;
      options = undefined;
    }
    if (this.state === CONNECTING) throw notOpenError(CONNECTING);
    const binary = options?.binary ?? typeof data !== 'string';
    const payload = toPayload(data);
    const { transport, codec } = this;
    if (!this.canSend() || !transport || !codec) return this.sendRefused(cb);
    if (binary && !this.caps.binary) return this.sendLegacyBinary(payload, transport, codec, cb);
    // `compress: false` opts one message out of a negotiated compression extension (ws 8).
    const compress = options?.compress;
    const message: DataMessage = binary
      ? { type: 'binary', data: payload, compress }
      : { type: 'text', data: payload, compress };
    // A large compressed message is deflated by the transport, off the event loop, in its place in line.
    const job = transport.writeDeflate ? codec.encodeDeferred?.(message, PAST) : undefined;
    if (job !== undefined) return transport.writeDeflate!(job, cb);
    const parts = codec.encodeParts?.(message);
    if (parts !== undefined) return writeParts(transport, parts, cb);
    return transport.write(codec.encode(message, PAST), cb);
  }

  /**
   * Send one binary message whose payload is `pieces` back to back (as 'messageParts' delivers them): a
   * server writes a long uncompressed one as its header and the pieces in one writev, none of them copied;
   * otherwise the pieces are joined and sent as send() would. Leave them unmodified until `cb` runs. Returns
   * and calls back as send().
   */
  sendParts(
    pieces: readonly Uint8Array[],
    options?: { compress?: boolean } | SendCallback,
    cb?: SendCallback,
  ): boolean {
    if (typeof options === 'function') {
      cb = options;
      options = undefined;
    }
    if (!Array.isArray(pieces)) throw new TypeError('pieces must be an array of Buffers or Uint8Arrays');
    let length = 0;
    const buffers = pieces.map((piece) => {
      if (!(piece instanceof Uint8Array))
        throw new TypeError('pieces must be an array of Buffers or Uint8Arrays');
      length += piece.byteLength;
      return asBuffer(piece);
    });
    const { transport, codec } = this;
    // canSend() is false while CONNECTING: send() below then throws NOT_OPEN, as for any message.
    if (this.canSend() && transport && codec && this.caps.binary) {
      const framed = codec.encodePieces?.(buffers, length, options?.compress);
      if (framed !== undefined) return writeParts(transport, framed, cb);
    }
    const joined = buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers, length);
    return this.send(
      joined,
      { binary: true, ...(options?.compress === undefined ? {} : { compress: options.compress }) },
      cb,
    );
  }

  /** RFC 6455 §5.5.2; past OPEN as send(). Hixie has no ping: false, nothing sent, `cb` gets PING_UNSUPPORTED. */
  ping(data?: SendData, cb?: SendCallback): boolean {
    return this.control('ping', data, cb);
  }

  /** RFC 6455 §5.5.3 (an unsolicited pong is a heartbeat); past OPEN and on hixie as ping(). */
  pong(data?: SendData, cb?: SendCallback): boolean {
    return this.control('pong', data, cb);
  }

  /**
   * Start the closing handshake, or answer the peer's close. `code` goes through the close-code table
   * (close-codes.ts): a draft without it gets its nearest code, hixie `FF 00` (-76) or a TCP close (-75).
   * The transport is destroyed after closeTimeout if the peer never answers.
   */
  close(code?: number, reason?: string): void {
    const args = validateCloseArgs(code, reason);
    if (this.state === CONNECTING) {
      this.abortConnecting(new Error('WebSocket was closed before the connection was established'));
      return;
    }
    if (this.state === CLOSED || this.terminated || this.closeWritten) return;
    // After a fault the reply is the fault's own close, whatever code the caller asks for.
    if (this.fault !== undefined) {
      this.releaseHeldReply();
      return;
    }
    const { transport, codec } = this.ready();
    if (!this.caps.closingHandshake) {
      // Hixie-75 has no close frame: closing TCP is the close.
      this.state = CLOSING;
      this.writeClose(transport, EMPTY);
      this.endTransport();
      return;
    }
    const mapped = closeCodeFor(this.draft, args.code);
    const frame = codec.encode(
      mapped === undefined ? { type: 'close' } : { type: 'close', code: mapped, reason: args.reason },
      PAST,
    );
    if (this.state === OPEN_STATE) this.state = CLOSING;
    this.writeClose(transport, frame);
    this.startCloseTimer();
    this.afterCodec();
  }

  /** Destroy the transport now: the close event reports 1006. */
  terminate(): void {
    if (this.state === CONNECTING) {
      this.abortConnecting(new Error('WebSocket was closed before the connection was established'));
      return;
    }
    if (this.state === CLOSED) return;
    this.terminated = true;
    this.state = CLOSING;
    this.transport?.destroy();
  }

  [SET_ABORT](abort: () => void): void {
    this.abortHandshake = abort;
  }

  [OPEN](setup: OpenSetup): void {
    if (this.state !== CONNECTING) {
      setup.transport.destroy();
      return;
    }
    this.transport = setup.transport;
    this.codec = setup.codec;
    if (this.partsWanted) setup.codec.receiveParts?.(true);
    this.protocol = setup.protocol;
    this.extensions = setup.extensions;
    this.abortHandshake = undefined;
    this.state = OPEN_STATE;
    setup.transport.attach(new ConnectionSink(this));
    if (setup.emitOpen) this.emitSafely('open');
  }

  /** The handshake was refused or broke: 'error' then 'close' 1006 (WHATWG "fail the WebSocket connection"). */
  [HANDSHAKE_FAILED](err: Error): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.abortHandshake = undefined;
    this.emitError(err);
    this.emitSafely('close', 1006, '', false);
  }

  private abortConnecting(err: Error): void {
    const abort = this.abortHandshake;
    this[HANDSHAKE_FAILED](err);
    abort?.();
  }

  private control(type: 'ping' | 'pong', data: SendData | undefined, cb: SendCallback | undefined): boolean {
    if (this.state === CONNECTING) throw notOpenError(CONNECTING);
    const payload = controlPayload(type, data);
    if (!this.caps.ping) {
      // As websocket-driver: a draft without ping is no error in the program, the peer just cannot be asked.
      this.callLater(cb, new UsageError('PING_UNSUPPORTED', `${this.draft} has no ping or pong`));
      return false;
    }
    const { transport, codec } = this;
    if (!this.canSend() || !transport || !codec) return this.sendRefused(cb);
    return transport.write(codec.encode({ type, data: payload }, PAST), cb);
  }

  private sendLegacyBinary(payload: Buffer, transport: Transport, codec: Codec, cb?: SendCallback): boolean {
    const policy = this.legacyPolicy;
    const text = legacyText(policy, payload);
    if (text !== undefined) return transport.write(codec.encode({ type: 'text', data: text }, PAST), cb);
    this.undeliveredCount++;
    const err = new UsageError('BINARY_UNSUPPORTED', `${this.draft} has no binary messages`);
    this.callLater(cb, policy === 'drop' ? undefined : err);
    // RFC 6455 §7.4.1 1003 "a type of data it cannot accept"; hixie carries no code, only the close.
    if (policy === 'close') this.close(1003, 'binary messages cannot be delivered');
    return false;
  }

  private ready(): { transport: Transport; codec: Codec } {
    const { transport, codec } = this;
    if (!transport || !codec) throw notOpenError(this.state);
    return { transport, codec };
  }

  /**
   * Data may go out until our close frame is written: while OPEN, and while CLOSING after the peer's close
   * when the reply is still held. Messages decoded earlier in the batch that carried the peer's close are
   * emitted while OPEN; the codec is already closed then, hence `pastClose` on every encode.
   */
  private canSend(): boolean {
    if (this.closeWritten || this.endSent || this.terminated) return false;
    return this.state === OPEN_STATE || this.heldReply !== undefined;
  }

  /** ws 8 "send after close": no throw (the peer's close can arrive at any time), the error goes to `cb`. */
  private sendRefused(cb: SendCallback | undefined): false {
    if (cb) this.callLater(cb, notOpenError(this.state));
    return false;
  }

  /** A send callback runs on a later tick; one that throws is reported like a throwing listener. */
  private callLater(cb: SendCallback | undefined, err: Error | undefined): void {
    if (!cb) return;
    queueMicrotask(() => {
      try {
        cb(err);
      } catch (thrown) {
        this.listenerFailed(thrown);
      }
    });
  }
}

defineReadyStates(Connection.prototype);

/** What a Connection emits, with each listener's arguments (docs/api.md "Connection"). */
export type ConnectionEvents = {
  open: [];
  message: [data: Buffer, isBinary: boolean];
  /** Binary messages instead of 'message' while `receiveParts` is on: joined, the pieces are the message. */
  messageParts: [parts: Buffer[]];
  ping: [data: Buffer];
  pong: [data: Buffer];
  close: [code: number, reason: string, wasClean: boolean];
  error: [err: Error];
  drain: [];
};

type On = keyof ConnectionEvents & string;
type L<K extends On> = Listener<ConnectionEvents, K>;
/** Typed per-event listener methods, merged into the class (no string fallback: typos do not compile). */
export interface Connection {
  on<K extends On>(event: K, listener: L<K>): this;
  once<K extends On>(event: K, listener: L<K>): this;
  off<K extends On>(event: K, listener: L<K>): this;
  addListener<K extends On>(event: K, listener: L<K>): this;
  removeListener<K extends On>(event: K, listener: L<K>): this;
  prependListener<K extends On>(event: K, listener: L<K>): this;
  prependOnceListener<K extends On>(event: K, listener: L<K>): this;
  emit<K extends On>(event: K, ...args: ConnectionEvents[K]): boolean;
}
