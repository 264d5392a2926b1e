// One WebSocket, whatever the draft: readyState, events and close reporting over a Codec and a Transport
// (RFC 6455 §7 closing, §7.1.5-§7.1.7 close codes and failing; hixie-76 §4.2 FF 00; hixie-75: TCP close).
import { ProtocolFault, UsageError } from '../core/faults.js';
import type { Caps, Codec, CodecEvent, DraftId, Role } from '../core/types.js';
import { BrowserStyleEmitter } from './browser-events.js';
import { validateCloseArgs } from './close-args.js';
import { closeCodeFor } from './close-codes.js';
import { closeOutcome } from './close-outcome.js';
import type { ConnectionInit, OpenSetup, SendCallback } from './connection-types.js';
import {
  HANDSHAKE_FAILED,
  HOLD_CLOSE_REPLY,
  ON_CLOSE,
  ON_DATA,
  ON_DRAIN,
  ON_END,
  OPEN,
  SET_ABORT,
  SET_LISTENER_ERRORS,
} from './internal.js';
import {
  BINARY_TO_LEGACY,
  type BinaryToLegacy,
  DEFAULT_BINARY_TO_LEGACY,
  isBinaryToLegacy,
  legacyText,
} from './legacy-binary.js';
import { type ListenerErrorReporter, reportOrLog } from './listener-errors.js';
import { controlPayload, type SendData, toPayload } from './payload.js';
import {
  CLOSED,
  CLOSING,
  CONNECTING,
  defineReadyStates,
  notOpenError,
  OPEN_STATE,
  type ReadyState,
} from './ready-state.js';
import { ConnectionSink } from './sink.js';
import type { Transport } from './transport.js';

export type { ConnectionInit, OpenSetup, SendCallback } from './connection-types.js';
export type { BinaryToLegacy } from './legacy-binary.js';
export type { SendData } from './payload.js';
export type { ReadyState } from './ready-state.js';

/** Every encode may come after the codec consumed the peer's close: canSend() is the gate (RFC 6455 §5.5.1). */
const PAST = { pastClose: true } as const;

export class Connection extends BrowserStyleEmitter {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN_STATE;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  // On the prototype (defineReadyStates), not copied into every instance.
  declare readonly CONNECTING: typeof CONNECTING;
  declare readonly OPEN: typeof OPEN_STATE;
  declare readonly CLOSING: typeof CLOSING;
  declare readonly CLOSED: typeof CLOSED;

  readonly draft: DraftId;
  readonly caps: Caps;
  readonly url: string;
  readonly role: Role;
  protocol = '';
  extensions = '';

  private state: ReadyState = CONNECTING;
  private readonly closeTimeout: number;
  private transport: Transport | undefined;
  private codec: Codec | undefined;
  private abortHandshake: (() => void) | undefined;
  private cancelCloseTimer: (() => void) | undefined;
  private peerClose: { code: number; reason: string } | undefined;
  private fault: { closeCode: number } | undefined;
  private endSent = false;
  private peerEndSeen = false;
  private terminated = false;
  private paused = false;
  /** Our close frame (or the hixie-75 TCP close) is written: no data may follow (RFC 6455 §5.5.1). */
  private closeWritten = false;
  /** The echo of the peer's close, held for the gateway (HOLD_CLOSE_REPLY) until close() or the timeout. */
  private heldReply: Buffer | undefined;
  private cancelHold: (() => void) | undefined;
  private onPeerClose: ((code: number, reason: string) => void) | undefined;
  private reportListenerError: ListenerErrorReporter | undefined;
  /** Inside dispatch(): the transport is ended only once every event of the batch was handled. */
  private dispatching = false;
  private legacyPolicy: BinaryToLegacy;
  private undeliveredCount = 0;

  constructor(init: ConnectionInit) {
    super();
    this.draft = init.draft;
    this.caps = init.caps;
    this.role = init.role;
    this.url = init.url;
    this.closeTimeout = init.closeTimeout;
    this.legacyPolicy = DEFAULT_BINARY_TO_LEGACY;
    if (init.binaryToLegacy !== undefined) this.binaryToLegacy = init.binaryToLegacy;
  }

  get readyState(): ReadyState {
    return this.state;
  }

  /** True between pause() and resume(). */
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
   * Send a message: strings as text, bytes as binary unless `{ binary: false }`. False when congested, or
   * when nothing was written: past OPEN (as ws 8, `cb` gets a NOT_OPEN error) or binary the draft cannot
   * carry (`binaryToLegacy`). Messages decoded before the peer's close may still be answered until our
   * close frame is written (RFC 6455 §5.5.1).
   */
  send(data: SendData, options?: { binary?: boolean } | SendCallback, cb?: SendCallback): boolean {
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
    const frame = codec.encode(
      binary ? { type: 'binary', data: payload } : { type: 'text', data: payload },
      PAST,
    );
    return transport.write(frame, cb);
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
      this.abortConnecting(new Error('closed before the connection was established'));
      return;
    }
    if (this.state === CLOSED || this.terminated || this.closeWritten) return;
    const { transport, codec } = this.ready();
    if (!this.caps.closingHandshake) {
      // Hixie-75 has no close frame: closing TCP is the close.
      this.state = CLOSING;
      this.closeWritten = true;
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
      this.abortConnecting(new Error('terminated before the connection was established'));
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
    return this.state === OPEN_STATE || (this.state === CLOSING && this.peerClose !== undefined);
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

  [HOLD_CLOSE_REPLY](onPeerClose: (code: number, reason: string) => void): void {
    this.onPeerClose = onPeerClose;
  }

  [SET_LISTENER_ERRORS](report: ListenerErrorReporter): void {
    this.reportListenerError = report;
  }

  [ON_DRAIN](): void {
    this.emitSafely('drain');
  }

  [ON_DATA](bytes: Buffer): void {
    if (this.state === CLOSED || !this.codec) return;
    this.dispatch(this.codec.push(bytes));
  }

  [ON_END](): void {
    if (this.state === CLOSED || !this.codec) return;
    this.peerEndSeen = true;
    this.dispatch(this.codec.end());
    if (this.state === OPEN_STATE) this.state = CLOSING;
    // Servers made by http run with allowHalfOpen: answer the FIN ourselves (after a held reply, if any).
    if (this.heldReply === undefined) this.endTransport();
  }

  /**
   * Emit what one read decoded, writing the codec's frames (pongs, close echo) in event order, before the
   * next event reaches user code, as ws does. The transport is corked meanwhile, so those frames and
   * whatever the listeners send leave together in one syscall.
   */
  private dispatch(events: readonly CodecEvent[]): void {
    const transport = this.transport;
    if (events.length > 0 && transport) {
      transport.cork();
      this.dispatching = true;
      try {
        this.emitEvents(events, transport);
      } finally {
        this.dispatching = false;
        transport.uncork();
      }
    }
    this.afterCodec();
  }

  private emitEvents(events: readonly CodecEvent[], transport: Transport): void {
    for (let i = 0; i < events.length; i++) {
      if (this.state === CLOSED || this.terminated) return;
      const event = events[i]!;
      switch (event.type) {
        case 'text':
        case 'binary':
          this.emitSafely('message', event.data, event.type === 'binary');
          break;
        case 'ping': {
          // The codec queues the automatic pong right behind its ping: ws writes it before emitting 'ping'.
          const next = events[i + 1];
          if (next?.type === 'send' && next.closes !== true) {
            this.writeCodecBytes(transport, next, undefined);
            i++;
          }
          this.emitSafely('ping', event.data);
          break;
        }
        case 'pong':
          this.emitSafely('pong', event.data);
          break;
        case 'close':
          this.peerClose = { code: event.code, reason: event.reason };
          if (this.state === OPEN_STATE) this.state = CLOSING;
          if (this.onPeerClose) this.callSafely(this.onPeerClose, event.code, event.reason);
          break;
        case 'send':
          this.writeCodecBytes(transport, event, events[i + 1]);
          break;
        case 'fail':
          this.fault = { closeCode: event.closeCode };
          // No data after a fault, whether or not the draft had a close frame to send.
          this.closeWritten = true;
          this.heldReply = undefined;
          if (this.state === OPEN_STATE) this.state = CLOSING;
          this.emitError(new ProtocolFault(event.fault, event.message));
          break;
      }
    }
  }

  /**
   * A frame the codec made. Nothing follows our close frame (a listener may have closed earlier in the
   * batch). The reply to the peer's close is held when the gateway asked for it (HOLD_CLOSE_REPLY).
   */
  private writeCodecBytes(
    transport: Transport,
    send: Extract<CodecEvent, { type: 'send' }>,
    next: CodecEvent | undefined,
  ): void {
    if (this.closeWritten) return;
    if (send.closes !== true) {
      transport.write(send.bytes);
      return;
    }
    if (this.onPeerClose && next?.type !== 'fail') {
      this.heldReply = send.bytes;
      this.cancelHold = transport.setTimer(this.closeTimeout, () => this.releaseHeldReply());
      return;
    }
    this.writeClose(transport, send.bytes);
  }

  /** Nobody answered the held close in time: the automatic echo goes out after all. */
  private releaseHeldReply(): void {
    const { heldReply, transport } = this;
    if (heldReply === undefined || !transport || this.state === CLOSED) return;
    this.writeClose(transport, heldReply);
    this.afterCodec();
  }

  private writeClose(transport: Transport, frame: Buffer): void {
    this.closeWritten = true;
    this.heldReply = undefined;
    this.cancelHold?.();
    this.cancelHold = undefined;
    transport.write(frame);
  }

  /** After a close exchange or a fault the TCP connection is closed (RFC 6455 §7.1.1, §7.1.7). */
  private afterCodec(): void {
    if (this.state === CLOSED || !this.codec || this.dispatching) return;
    if (this.fault !== undefined) this.endTransport();
    else if (this.codec.state === 'closed' && this.heldReply === undefined) this.endTransport();
  }

  private endTransport(): void {
    if (this.endSent || !this.transport) return;
    this.endSent = true;
    this.transport.end();
    this.startCloseTimer();
  }

  private startCloseTimer(): void {
    if (this.cancelCloseTimer || !this.transport) return;
    const transport = this.transport;
    this.cancelCloseTimer = transport.setTimer(this.closeTimeout, () => transport.destroy());
  }

  [ON_CLOSE](): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.cancelCloseTimer?.();
    this.cancelHold?.();
    this.heldReply = undefined;
    const { code, reason, wasClean } = closeOutcome({
      caps: this.caps,
      fault: this.fault,
      peerClose: this.peerClose,
      terminated: this.terminated,
      peerEndSeen: this.peerEndSeen,
    });
    this.emitSafely('close', code, reason, wasClean);
  }

  private emitError(err: Error): void {
    // A connection nobody listens to for errors must not crash the process (a bad client never affects others).
    if (this.listenerCount('error') > 0) this.emitSafely('error', err);
  }

  /** Emit to user listeners; an exception there costs this connection only (listener-errors.ts). */
  private emitSafely(event: string, ...args: unknown[]): void {
    try {
      this.emit(event, ...args);
    } catch (err) {
      this.listenerFailed(err);
    }
  }

  private callSafely<A extends unknown[]>(fn: (...args: A) => void, ...args: A): void {
    try {
      fn(...args);
    } catch (err) {
      this.listenerFailed(err);
    }
  }

  private listenerFailed(err: unknown): void {
    const report =
      this.reportListenerError ?? ((e: unknown) => reportOrLog(this, e, 'a connection listener'));
    report(err);
    // RFC 6455 §7.4.1 1011 "an unexpected condition"; mapped for older drafts by close().
    if (this.state !== CLOSED && !this.closeWritten && this.transport) this.close(1011, 'internal error');
  }
}

defineReadyStates(Connection.prototype);
