// Adapts a net/tls socket to the connection layer's Transport, with real timers, and applies the
// per-connection limits: reading pauses while the write buffer is congested, pongs coalesce, and what
// the connection holds counts against the server's byte budget.
import type { Socket } from 'node:net';
import type { Transport, TransportSink } from '../connection/transport.js';
import type { ByteBudget } from './byte-budget.js';

/** Default writeHighWaterMark: bytes queued for a peer beyond which we stop reading from it. */
export const DEFAULT_WRITE_HIGH_WATER_MARK = 1024 * 1024;

export interface TransportLimits {
  /** Above this many bytes waiting to be written, stop reading from the peer until the buffer drains. */
  readonly writeHighWaterMark: number;
  /** The server-wide budget for bytes held in incomplete messages, and what to do past it. */
  readonly budget?: { readonly shared: ByteBudget; readonly over: () => void };
}

const DEFAULT_LIMITS: TransportLimits = { writeHighWaterMark: DEFAULT_WRITE_HIGH_WATER_MARK };

/** The socket's transport, so its listeners can be shared functions instead of closures per connection. */
const TRANSPORT = Symbol('wscompat.transport');
type BoundSocket = Socket & { [TRANSPORT]?: SocketTransport | undefined };

function onData(this: BoundSocket, chunk: Buffer): void {
  this[TRANSPORT]?.received(chunk);
}
function onEnd(this: BoundSocket): void {
  this[TRANSPORT]?.sink?.end();
}
function onDrain(this: BoundSocket): void {
  this[TRANSPORT]?.drained();
}
function onClose(this: BoundSocket): void {
  const transport = this[TRANSPORT];
  // The socket may be kept by its owner after close: let it drop the connection.
  this[TRANSPORT] = undefined;
  transport?.closed();
}
/** Errors (resets, EPIPE) end in 'close', which reports 1006; a listener keeps them from throwing. */
export function ignoreSocketError(): void {}

export class SocketTransport implements Transport {
  sink: TransportSink | undefined;
  /** Reads so far: an idle watchdog compares it between ticks. */
  reads = 0;
  /** Paused by the user (Connection.pause) or by congestion: the socket reads only when neither holds. */
  private paused = false;
  private congested = false;
  private started = false;
  /** Bytes read with or behind the handshake, held while paused before start() could deliver them. */
  private held: Buffer | undefined;
  /** The latest automatic pong held back while congested. */
  private reply: Buffer | undefined;
  /** What this connection last counted against the budget. */
  private counted = 0;

  constructor(
    private readonly socket: Socket,
    private readonly limits: TransportLimits = DEFAULT_LIMITS,
  ) {
    // Frames are written whole; Nagle would only delay small messages and pongs.
    socket.setNoDelay(true);
    socket.setTimeout(0);
  }

  write(bytes: Buffer, cb?: (err?: Error | null) => void): boolean {
    if (this.socket.destroyed || this.socket.writableEnded) {
      if (cb) queueMicrotask(() => cb(new Error('the socket is closed')));
      return false;
    }
    const ok = this.socket.write(bytes, cb);
    // Past the socket's own small mark write() says false; past ours a peer that does not read stops
    // being read from, so it stops costing memory (its TCP window closes instead).
    if (!ok && !this.congested && this.socket.writableLength > this.limits.writeHighWaterMark) {
      this.congested = true;
      this.socket.pause();
    }
    return ok;
  }

  writeAutoReply(bytes: Buffer): void {
    if (this.congested) this.reply = bytes;
    else this.write(bytes);
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  pause(): void {
    this.paused = true;
    // A paused stream stops reading once its buffer is full, and the kernel's window closes behind it.
    this.socket.pause();
  }

  resume(): void {
    this.paused = false;
    if (this.started) this.flow();
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = setTimeout(fn, ms);
    // The socket keeps the process alive while it lives; the timer alone must not.
    timer.unref();
    return () => clearTimeout(timer);
  }

  attach(sink: TransportSink): void {
    this.sink = sink;
    const socket = this.socket as BoundSocket;
    socket[TRANSPORT] = this;
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('drain', onDrain);
    // Idempotent: the server's handshake may have added it already.
    if (!socket.listeners('error').includes(ignoreSocketError)) socket.on('error', ignoreSocketError);
    socket.on('close', onClose);
    if (socket.destroyed) queueMicrotask(() => sink.close());
  }

  /**
   * Feed the bytes that came with or right behind the handshake, then let the socket flow. The socket
   * stays paused until then, so later reads cannot overtake them. `later` defers both by one turn of the
   * event loop, so code that awaits the 'open' event still sees the first messages. While the connection
   * is paused, both wait for resume().
   */
  start(leftover: Buffer, later: boolean): void {
    if (leftover.length > 0) this.held = leftover;
    if (later) setImmediate(() => this.go());
    else this.go();
  }

  /** One read from the socket. */
  received(chunk: Buffer): void {
    this.reads++;
    this.sink?.data(chunk);
    if (this.limits.budget) this.account(this.limits.budget);
  }

  /** The write buffer emptied: the held pong goes out, reading resumes, the user hears 'drain'. */
  drained(): void {
    const reply = this.reply;
    this.reply = undefined;
    if (this.congested) {
      this.congested = false;
      if (this.started && !this.paused) this.flow();
    }
    if (reply) this.write(reply);
    this.sink?.drain();
  }

  closed(): void {
    if (this.limits.budget) this.limits.budget.shared.used -= this.counted;
    this.counted = 0;
    this.reply = undefined;
    this.sink?.close();
  }

  private account(budget: NonNullable<TransportLimits['budget']>): void {
    const held = this.sink?.held() ?? 0;
    budget.shared.used += held - this.counted;
    this.counted = held;
    if (held > 0 && budget.shared.used > budget.shared.limit) budget.over();
  }

  private go(): void {
    this.started = true;
    if (!this.paused) this.flow();
  }

  private flow(): void {
    if (this.socket.destroyed) return;
    const held = this.held;
    this.held = undefined;
    if (held) {
      this.sink?.data(held);
      if (this.limits.budget) this.account(this.limits.budget);
    }
    // A 'message' listener may have paused again while the held bytes were delivered.
    if (!this.paused && !this.congested) this.socket.resume();
  }
}
