// The inbound half of a Connection: decoded events to listeners, the codec's own frames, the closing
// handshake's bookkeeping and the transport's end (RFC 6455 §5.5.1, §7.1.1-§7.1.7; hixie-76 §4.2 FF 00).

import { EMPTY } from '../core/bytes.js';
import { ProtocolFault } from '../core/faults.js';
import type { Caps, Codec, CodecEvent, DraftId, Role } from '../core/types.js';
import { BrowserStyleEmitter } from './browser-events.js';
import { closeOutcome } from './close-outcome.js';
import type { ConnectionInit } from './connection-types.js';
import {
  HELD,
  HOLD_CLOSE_REPLY,
  ON_CLOSE,
  ON_DATA,
  ON_DRAIN,
  ON_END,
  SET_LISTENER_ERRORS,
} from './internal.js';
import { CLIENTS_LOG, type ListenerErrorReporter, reportOrLog } from './listener-errors.js';
import { CLOSED, CLOSING, CONNECTING, OPEN_STATE, type ReadyState } from './ready-state.js';
import type { Transport } from './transport.js';

/** The peer's close (`clean`) or a fault (`clean` false, the fault's code): see HOLD_CLOSE_REPLY. */
export type PeerCloseHook = (code: number, reason: string, clean: boolean) => void;

/**
 * Everything a connection does on its own, driven by the transport. Connection adds the user's calls
 * (send, ping, close); they share this state, so it is protected rather than private.
 */
export abstract class ConnectionCore extends BrowserStyleEmitter {
  readonly draft: DraftId;
  readonly caps: Caps;
  readonly url: string;
  readonly role: Role;
  protocol = '';
  extensions = '';

  protected state: ReadyState = CONNECTING;
  protected readonly closeTimeout: number;
  protected transport: Transport | undefined;
  protected codec: Codec | undefined;
  protected abortHandshake: (() => void) | undefined;
  protected cancelCloseTimer: (() => void) | undefined;
  protected peerClose: { code: number; reason: string } | undefined;
  protected fault: { closeCode: number } | undefined;
  protected endSent = false;
  protected peerEndSeen = false;
  protected terminated = false;
  protected paused = false;
  /** Binary messages go to 'messageParts' as the pieces they arrived in (Connection.receiveParts). */
  protected partsWanted = false;
  /** Our close frame (or the hixie-75 TCP close) is written: no data may follow (RFC 6455 §5.5.1). */
  protected closeWritten = false;
  /** The echo of the peer's close, held for the gateway (HOLD_CLOSE_REPLY) until close() or the timeout. */
  protected heldReply: Buffer | undefined;
  protected cancelHold: (() => void) | undefined;
  protected onPeerClose: PeerCloseHook | undefined;
  protected reportListenerError: ListenerErrorReporter | undefined;
  /** Inside dispatch(): the transport is ended only once every event of the batch was handled. */
  protected dispatching = false;

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

  abstract close(code?: number, reason?: string): void;

  [HOLD_CLOSE_REPLY](onPeerClose: PeerCloseHook): void {
    this.onPeerClose = onPeerClose;
  }

  [SET_LISTENER_ERRORS](report: ListenerErrorReporter): void {
    this.reportListenerError = report;
  }

  /** Bytes the codec holds for incomplete frames and messages (the server-wide byte budget counts them). */
  get [HELD](): number {
    return this.codec?.bufferedBytes ?? 0;
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
  protected dispatch(events: readonly CodecEvent[]): void {
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

  protected emitEvents(events: readonly CodecEvent[], transport: Transport): void {
    for (let i = 0; i < events.length; i++) {
      if (this.state === CLOSED || this.terminated) return;
      const event = events[i]!;
      switch (event.type) {
        case 'text':
          this.emitSafely('message', event.data, false);
          break;
        case 'binary':
          if (this.partsWanted) this.emitSafely('messageParts', [event.data]);
          else this.emitSafely('message', event.data, true);
          break;
        case 'binary-parts':
          // Switched off after the codec had decoded it: joined, as 'message' always gives.
          if (this.partsWanted) this.emitSafely('messageParts', event.parts);
          else this.emitSafely('message', Buffer.concat(event.parts), true);
          break;
        case 'ping': {
          // The codec queues the automatic pong right behind its ping: ws writes it before emitting 'ping'.
          const next = events[i + 1];
          if (next?.type === 'send' && next.closes !== true) {
            // Coalesced while the peer does not read: a ping flood cannot queue pongs without end.
            if (!this.closeWritten) transport.writeAutoReply(next.bytes);
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
          if (this.onPeerClose) {
            // Hixie-75's close is the FIN, so its reply is ours: held like any reply.
            if (!this.caps.closingHandshake && !this.closeWritten) this.hold(transport, EMPTY);
            this.callSafely(this.onPeerClose, event.code, event.reason, true);
          }
          break;
        case 'send':
          this.writeCodecBytes(transport, event);
          break;
        case 'fail':
          this.failed(transport, event);
          break;
      }
    }
  }

  /**
   * The peer broke the protocol: our close (queued by the codec, when the draft has one) ends the
   * connection. Held for the gateway like a close reply, so answers to earlier messages still get through.
   */
  private failed(transport: Transport, event: Extract<CodecEvent, { type: 'fail' }>): void {
    this.fault = { closeCode: event.closeCode };
    if (this.state === OPEN_STATE) this.state = CLOSING;
    const hook = this.onPeerClose;
    if (hook && !this.closeWritten) {
      // Hixie has no close frame: the held reply is the TCP close.
      this.hold(transport, EMPTY);
      this.callSafely(hook, event.closeCode, '', false);
    } else {
      // No data after a fault, whether or not the draft had a close frame to send.
      this.writeClose(transport, EMPTY);
    }
    this.emitError(new ProtocolFault(event.fault, event.message));
  }

  /**
   * A frame the codec made. Nothing follows our close frame (a listener may have closed earlier in the
   * batch). The reply to the peer's close is held when the gateway asked for it (HOLD_CLOSE_REPLY).
   */
  protected writeCodecBytes(transport: Transport, send: Extract<CodecEvent, { type: 'send' }>): void {
    if (this.closeWritten) return;
    if (send.closes !== true) {
      transport.write(send.bytes);
      return;
    }
    if (this.onPeerClose) this.hold(transport, send.bytes);
    else this.writeClose(transport, send.bytes);
  }

  private hold(transport: Transport, reply: Buffer): void {
    if (this.heldReply !== undefined) return;
    this.heldReply = reply;
    this.cancelHold = transport.setTimer(this.closeTimeout, () => this.releaseHeldReply());
  }

  /** Nobody answered the held close in time: the automatic echo goes out after all. */
  protected releaseHeldReply(): void {
    const { heldReply, transport } = this;
    if (heldReply === undefined || !transport || this.state === CLOSED) return;
    this.writeClose(transport, heldReply);
    this.afterCodec();
  }

  protected writeClose(transport: Transport, frame: Buffer): void {
    this.closeWritten = true;
    this.heldReply = undefined;
    this.cancelHold?.();
    this.cancelHold = undefined;
    // Empty: hixie-75, whose close is ending TCP (afterCodec or the caller does that).
    if (frame.length > 0) transport.write(frame);
  }

  /** After a close exchange or a fault the TCP connection is closed (RFC 6455 §7.1.1, §7.1.7). */
  protected afterCodec(): void {
    if (this.state === CLOSED || !this.codec || this.dispatching || this.heldReply !== undefined) return;
    if (this.fault !== undefined || this.codec.state === 'closed') this.endTransport();
  }

  protected endTransport(): void {
    if (this.endSent || !this.transport) return;
    this.endSent = true;
    this.transport.end();
    this.startCloseTimer();
  }

  protected startCloseTimer(): void {
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

  protected emitError(err: Error): void {
    // A connection nobody listens to for errors must not crash the process (a bad client never affects others).
    if (this.listenerCount('error') > 0) this.emitSafely('error', err);
  }

  /** Emit to user listeners; an exception there costs this connection only (listener-errors.ts). */
  protected emitSafely(event: string, ...args: unknown[]): void {
    try {
      this.emit(event, ...args);
    } catch (err) {
      this.listenerFailed(err);
    }
  }

  protected callSafely<A extends unknown[]>(fn: (...args: A) => void, ...args: A): void {
    try {
      fn(...args);
    } catch (err) {
      this.listenerFailed(err);
    }
  }

  protected listenerFailed(err: unknown): void {
    const report =
      this.reportListenerError ??
      ((e: unknown) => reportOrLog(this, e, 'a connection listener', CLIENTS_LOG));
    report(err);
    // RFC 6455 §7.4.1 1011 "an unexpected condition"; mapped for older drafts by close().
    if (this.state !== CLOSED && !this.closeWritten && this.transport) this.close(1011, 'internal error');
  }
}
