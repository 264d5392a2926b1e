// Adapts a net/tls socket, or an HTTP/2 stream (RFC 8441), to the connection layer's Transport, with real timers.
import type { Duplex } from 'node:stream';
import type { Transport, TransportSink } from '../connection/transport.js';

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

function sinkOf(socket: BoundSocket): TransportSink | undefined {
  return socket[TRANSPORT]?.sink;
}
function onData(this: BoundSocket, chunk: Buffer): void {
  sinkOf(this)?.data(chunk);
}
function onEnd(this: BoundSocket): void {
  sinkOf(this)?.end();
}
function onDrain(this: BoundSocket): void {
  sinkOf(this)?.drain();
}
function onClose(this: BoundSocket): void {
  const sink = sinkOf(this);
  // The socket may be kept by its owner after close: let it drop the connection.
  this[TRANSPORT] = undefined;
  sink?.close();
}
/** Errors (resets, EPIPE) end in 'close', which reports 1006; a listener keeps them from throwing. */
export function ignoreSocketError(): void {}

export class SocketTransport implements Transport {
  sink: TransportSink | undefined;
  private paused = false;
  private started = false;
  /** Bytes read with or behind the handshake, held while paused before start() could deliver them. */
  private held: Buffer | undefined;

  constructor(private readonly socket: ByteStream) {
    // Frames are written whole; Nagle would only delay small messages and pongs.
    socket.setNoDelay?.(true);
    socket.setTimeout?.(0);
  }

  write(bytes: Buffer, cb?: (err?: Error | null) => void): boolean {
    if (this.socket.destroyed || this.socket.writableEnded) {
      if (cb) queueMicrotask(() => cb(new Error('the socket is closed')));
      return false;
    }
    return this.socket.write(bytes, cb);
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

  private go(): void {
    this.started = true;
    if (!this.paused) this.flow();
  }

  private flow(): void {
    if (this.socket.destroyed) return;
    const held = this.held;
    this.held = undefined;
    if (held) this.sink?.data(held);
    // A 'message' listener may have paused again while the held bytes were delivered.
    if (!this.paused) this.socket.resume();
  }
}
