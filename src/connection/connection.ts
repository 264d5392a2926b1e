// One WebSocket, whatever the draft: readyState, events and close reporting over a Codec and a Transport
// (RFC 6455 §7 closing, §7.1.5-§7.1.7 close codes and failing; hixie-76 §4.2 FF 00; hixie-75: TCP close).
import { ProtocolFault, UsageError } from '../core/faults.js';
import type { Caps, Codec, CodecEvent, DataMessage, DraftId, Role } from '../core/types.js';
import { BrowserStyleEmitter } from './browser-events.js';
import { validateCloseArgs } from './close-args.js';
import { closeOutcome } from './close-outcome.js';
import type { ConnectionInit, OpenSetup, SendCallback } from './connection-types.js';
import { HANDSHAKE_FAILED, ON_CLOSE, ON_DATA, ON_END, OPEN, SET_ABORT } from './internal.js';
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
import { writeParts } from './write-parts.js';

export type { ConnectionInit, OpenSetup, SendCallback } from './connection-types.js';
export type { SendData } from './payload.js';
export type { ReadyState } from './ready-state.js';
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

  constructor(init: ConnectionInit) {
    super();
    this.draft = init.draft;
    this.caps = init.caps;
    this.role = init.role;
    this.url = init.url;
    this.closeTimeout = init.closeTimeout;
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

  /**
   * Send a message: strings as text, bytes as binary unless `{ binary: false }`. False when congested, or
   * when the connection is past OPEN (as ws 8: nothing is written and `cb` gets a NOT_OPEN error).
   */
  send(data: SendData, options?: { binary?: boolean } | SendCallback, cb?: SendCallback): boolean {
    if (typeof options === 'function') {
      cb = options;
      options = undefined;
    }
    if (this.state === CONNECTING) throw notOpenError(CONNECTING);
    const binary = options?.binary ?? typeof data !== 'string';
    // Hixie-75/76 §4.2: length-prefixed frames are discarded by the peer, so binary cannot be delivered.
    if (binary && !this.caps.binary)
      throw new UsageError('BINARY_UNSUPPORTED', `${this.draft} has no binary messages`);
    const { transport, codec } = this;
    if (!this.canSend() || !transport || !codec) return this.sendRefused(cb);
    const payload = toPayload(data);
    const message: DataMessage = binary ? { type: 'binary', data: payload } : { type: 'text', data: payload };
    const parts = codec.encodeParts?.(message);
    if (parts !== undefined) return writeParts(transport, parts, cb);
    return transport.write(codec.encode(message), cb);
  }

  /** RFC 6455 §5.5.2; past OPEN it writes nothing and returns false, as send() does. */
  ping(data?: SendData, cb?: SendCallback): boolean {
    return this.control('ping', data, cb);
  }

  /** RFC 6455 §5.5.3 (an unsolicited pong is a heartbeat); past OPEN as ping(). */
  pong(data?: SendData, cb?: SendCallback): boolean {
    return this.control('pong', data, cb);
  }

  /** Start the closing handshake; the transport is destroyed after closeTimeout if the peer never answers. */
  close(code?: number, reason?: string): void {
    const args = validateCloseArgs(code, reason);
    if (this.state === CONNECTING) {
      this.abortConnecting(new Error('closed before the connection was established'));
      return;
    }
    if (this.state !== OPEN_STATE) return;
    const { transport, codec } = this.ready();
    if (!this.caps.closingHandshake) {
      // Hixie-75 has no close frame: closing TCP is the close.
      this.state = CLOSING;
      this.endTransport();
      return;
    }
    // Encoded first: a code the draft does not know throws before any state changes.
    let frame: Buffer | undefined;
    if (codec.state === 'open') {
      const withCode = args.code === undefined ? {} : { code: args.code };
      frame = codec.encode(
        this.caps.closeCodes ? { type: 'close', ...withCode, reason: args.reason } : { type: 'close' },
      );
    }
    this.state = CLOSING;
    if (frame) transport.write(frame);
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
    if (setup.emitOpen) this.emit('open');
  }

  /** The handshake was refused or broke: 'error' then 'close' 1006 (WHATWG "fail the WebSocket connection"). */
  [HANDSHAKE_FAILED](err: Error): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.abortHandshake = undefined;
    this.emitError(err);
    this.emit('close', 1006, '', false);
  }

  private abortConnecting(err: Error): void {
    const abort = this.abortHandshake;
    this[HANDSHAKE_FAILED](err);
    abort?.();
  }

  private control(type: 'ping' | 'pong', data: SendData | undefined, cb: SendCallback | undefined): boolean {
    if (!this.caps.ping) throw new UsageError('PING_UNSUPPORTED', `${this.draft} has no ping or pong`);
    if (this.state === CONNECTING) throw notOpenError(CONNECTING);
    const payload = controlPayload(type, data);
    const { transport, codec } = this;
    if (!this.canSend() || !transport || !codec) return this.sendRefused(cb);
    return transport.write(codec.encode({ type, data: payload }), cb);
  }

  private ready(): { transport: Transport; codec: Codec } {
    const { transport, codec } = this;
    if (!transport || !codec) throw notOpenError(this.state);
    return { transport, codec };
  }

  /**
   * OPEN and the codec still open: it may already have consumed the peer's close earlier in the batch
   * being dispatched (and queued the echo), after which RFC 6455 §5.5.1 allows no more data frames.
   */
  private canSend(): boolean {
    return this.state === OPEN_STATE && this.codec?.state === 'open';
  }

  /** ws 8 "send after close": no throw (the peer's close can arrive at any time), the error goes to `cb`. */
  private sendRefused(cb: SendCallback | undefined): false {
    if (cb) {
      const err = notOpenError(this.state);
      queueMicrotask(() => cb(err));
    }
    return false;
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
    // Servers made by http run with allowHalfOpen: answer the FIN ourselves.
    this.endTransport();
  }

  /**
   * Emit what one read decoded, writing the codec's frames (pongs, close echo) in event order, before the
   * next event reaches user code, as ws does. The transport is corked meanwhile, so those frames and
   * whatever the listeners send leave together in one syscall.
   */
  private dispatch(events: readonly CodecEvent[]): void {
    const transport = this.transport;
    if (events.length === 0 || !transport) {
      this.afterCodec();
      return;
    }
    transport.cork();
    try {
      this.emitEvents(events, transport);
    } finally {
      transport.uncork();
    }
  }

  private emitEvents(events: readonly CodecEvent[], transport: Transport): void {
    for (let i = 0; i < events.length; i++) {
      if (this.state === CLOSED || this.terminated) return;
      const event = events[i]!;
      switch (event.type) {
        case 'text':
        case 'binary':
          this.emit('message', event.data, event.type === 'binary');
          break;
        case 'ping': {
          // The codec queues the automatic pong right behind its ping: ws writes it before emitting 'ping'.
          const next = events[i + 1];
          if (next?.type === 'send') {
            transport.write(next.bytes);
            i++;
          }
          this.emit('ping', event.data);
          break;
        }
        case 'pong':
          this.emit('pong', event.data);
          break;
        case 'close':
          this.peerClose = { code: event.code, reason: event.reason };
          if (this.state === OPEN_STATE) this.state = CLOSING;
          break;
        case 'send':
          transport.write(event.bytes);
          break;
        case 'fail':
          this.fault = { closeCode: event.closeCode };
          if (this.state === OPEN_STATE) this.state = CLOSING;
          this.emitError(new ProtocolFault(event.fault, event.message));
          break;
      }
    }
    this.afterCodec();
  }

  /** After a close exchange or a fault the TCP connection is closed (RFC 6455 §7.1.1, §7.1.7). */
  private afterCodec(): void {
    if (this.state === CLOSED || !this.codec) return;
    if (this.fault !== undefined || this.codec.state === 'closed') this.endTransport();
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
    const { code, reason, wasClean } = closeOutcome({
      caps: this.caps,
      fault: this.fault,
      peerClose: this.peerClose,
      terminated: this.terminated,
      peerEndSeen: this.peerEndSeen,
    });
    this.emit('close', code, reason, wasClean);
  }

  private emitError(err: Error): void {
    // A connection nobody listens to for errors must not crash the process (a bad client never affects others).
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
}

defineReadyStates(Connection.prototype);
