// Adapts a net/tls socket to the connection layer's Transport, with real timers.
import type { Socket } from 'node:net';
import type { Transport, TransportSink } from '../connection/transport.js';

export class SocketTransport implements Transport {
  private sink: TransportSink | undefined;
  private paused = false;
  private started = false;
  /** Bytes read with or behind the handshake, held while paused before start() could deliver them. */
  private held: Buffer | undefined;

  constructor(private readonly socket: Socket) {
    // Frames are written whole; Nagle would only delay small messages and pongs.
    socket.setNoDelay(true);
    socket.setTimeout(0);
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
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => sink.data(chunk));
    socket.on('end', () => sink.end());
    socket.on('drain', () => sink.drain());
    // Errors (resets, EPIPE) end in 'close', which reports 1006; the listener keeps them from throwing.
    socket.on('error', () => {});
    socket.once('close', () => sink.close());
    if (socket.destroyed) queueMicrotask(() => sink.close());
  }

  /**
   * Feed the bytes that came with or right behind the handshake, then let the socket flow. The socket
   * stays paused until then, so later reads cannot overtake them. `later` defers both by one turn of the
   * event loop, so code that awaits the 'open' event still sees the first messages. While the connection
   * is paused, both wait for resume().
   */
  start(leftover: Buffer, later: boolean): void {
    const go = (): void => {
      this.started = true;
      if (leftover.length > 0) this.held = leftover;
      if (!this.paused) this.flow();
    };
    if (later) setImmediate(go);
    else go();
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
