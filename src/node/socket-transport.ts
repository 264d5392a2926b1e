// Adapts a net/tls socket, or an HTTP/2 stream (RFC 8441), to the connection layer's Transport, with real
// timers, and applies the per-connection limits: reading pauses while the write buffer is congested, pongs
// coalesce, and what the connection holds counts against the server's byte budget.
import type { Duplex } from 'node:stream';
import type { Transport, TransportSink } from '../connection/transport.js';
import type { DeflateJob } from '../core/types.js';
import type { ByteBudget } from './byte-budget.js';
import { DeferredWrites, type SlotOutput } from './deferred-writes.js';
import { sharedZlibPool } from './zlib-pool.js';

/** Default writeHighWaterMark: bytes queued for a peer beyond which we stop reading from it. */
export const DEFAULT_WRITE_HIGH_WATER_MARK = 1024 * 1024;

export interface TransportLimits {
  /** Above this many bytes waiting to be written, stop reading from the peer until the buffer drains. */
  readonly writeHighWaterMark: number;
  /** The server-wide budget for bytes held in incomplete messages, and what to do past it. */
  readonly budget?: { readonly shared: ByteBudget; readonly over: () => void };
}

/** Writes queued at once beyond which reading pauses too, whatever their size (about 200 bytes each). */
export const MAX_QUEUED_WRITES = 1024;

const DEFAULT_LIMITS: TransportLimits = { writeHighWaterMark: DEFAULT_WRITE_HIGH_WATER_MARK };

/** The socket's transport, so its listeners can be shared functions instead of closures per connection. */
const TRANSPORT = Symbol('wscompat.transport');
type BoundSocket = Duplex & { [TRANSPORT]?: SocketTransport | undefined };

/**
 * What a connection can run over: a socket, or an HTTP/2 stream, whose flow control window then does what
 * TCP's does for a socket (write() false past the window, a paused stream sends no WINDOW_UPDATE).
 */
export type ByteStream = Duplex & {
  setNoDelay?(noDelay: boolean): unknown;
  setTimeout?(ms: number): unknown;
};

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
  /** Writes since the write buffer was last empty. */
  private queued = 0;
  /** Frames being deflated on libuv's pool and the writes behind them; made by the first such frame. */
  private deferred: DeferredWrites | undefined;
  /** A write returned false while frames were deflating: 'drain' follows once they have all left. */
  private drainDeferred = false;
  /** end() was called: it may still wait behind deflating frames, but nothing more is accepted. */
  private ending = false;

  constructor(
    private readonly socket: ByteStream,
    private readonly limits: TransportLimits = DEFAULT_LIMITS,
  ) {
    // Frames are written whole; Nagle would only delay small messages and pongs.
    socket.setNoDelay?.(true);
    socket.setTimeout?.(0);
  }

  write(bytes: Buffer, cb?: (err?: Error | null) => void): boolean {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded || this.ending) {
      if (cb) queueMicrotask(() => cb(new Error('the socket is closed')));
      return false;
    }
    const deferred = this.deferred;
    if (deferred?.busy) {
      deferred.write(bytes, cb);
      return this.withinBudget();
    }
    return this.direct(bytes, cb);
  }

  /**
   * A compressed frame whose deflate runs on libuv's pool (zlib-pool.ts): it takes its place in the write
   * order now, and what is written meanwhile waits behind it (deferred-writes.ts).
   */
  writeDeflate(job: DeflateJob, cb?: (err?: Error | null) => void): boolean {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded || this.ending) {
      if (cb) queueMicrotask(() => cb(new Error('the socket is closed')));
      return false;
    }
    this.deferred ??= new DeferredWrites(sharedZlibPool(), this.slotOutput());
    this.deferred.deflate(job, cb);
    return this.withinBudget();
  }

  private direct(bytes: Buffer, cb?: (err?: Error | null) => void): boolean {
    const socket = this.socket;
    if (socket.writableLength === 0) this.queued = 0;
    this.queued++;
    if (
      this.congested ||
      (socket.writableLength + bytes.length <= this.limits.writeHighWaterMark &&
        this.queued <= MAX_QUEUED_WRITES)
    )
      return socket.write(bytes, cb);
    // A peer that does not read stops being read from, so it stops costing memory (its TCP window closes
    // instead). Counted in writes too: a queued write costs far more than its bytes when it is a 2-byte pong.
    this.congested = true;
    socket.pause();
    // Callbacks run in write order: when this one runs, everything queued before it has left.
    return socket.write(bytes, (err) => {
      cb?.(err);
      this.uncongest();
    });
  }

  /**
   * While frames wait behind a deflate, the payloads count as buffered: past writeHighWaterMark the caller
   * hears false and reading pauses, until they have all been handed to the OS.
   */
  private withinBudget(): boolean {
    // Deflated inline and written already: as direct() answers.
    if (!this.deferred?.busy) return !this.socket.writableNeedDrain;
    if (this.writableLength <= this.limits.writeHighWaterMark) return true;
    this.drainDeferred = true;
    if (!this.congested) {
      this.congested = true;
      this.socket.pause();
    }
    return false;
  }

  private slotOutput(): SlotOutput {
    return {
      write: (bytes, cb) => {
        if (!this.socket.destroyed && !this.socket.writableEnded) this.direct(bytes, cb);
      },
      end: () => this.socket.end(),
      cork: () => this.socket.cork(),
      uncork: () => this.socket.uncork(),
      fail: () => this.destroy(),
      flushed: () => {
        if (!this.drainDeferred) return;
        this.drainDeferred = false;
        this.drained();
      },
    };
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

  /** After every deflating frame and what waits behind it. */
  end(): void {
    this.ending = true;
    if (this.deferred?.busy) this.deferred.end();
    else this.socket.end();
  }

  destroy(): void {
    this.deferred?.drop();
    this.socket.destroy();
  }

  get writableLength(): number {
    return this.socket.writableLength + (this.deferred?.bytes ?? 0);
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

  /** The write buffer emptied after a write returned false: the user hears 'drain'. */
  drained(): void {
    this.uncongest();
    this.sink?.drain();
  }

  /** The write that marked congestion has left: the held pong goes out and reading resumes. */
  private uncongest(): void {
    // Over the budget with frames still deflating: their flush uncongests.
    if (!this.congested || (this.drainDeferred && this.deferred?.busy)) return;
    this.congested = false;
    const reply = this.reply;
    this.reply = undefined;
    if (reply) this.write(reply);
    if (this.started && !this.paused) this.flow();
  }

  closed(): void {
    this.deferred?.drop();
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
