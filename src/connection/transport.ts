// The byte pipe a Connection runs over: the Node layer adapts a socket to it, tests use a fake one.
import type { DeflateJob } from '../core/types.js';

/** What a transport reports to the connection bound to it. */
export interface TransportSink {
  /** Bytes from the peer, in order. */
  data(bytes: Buffer): void;
  /** The peer finished sending (TCP FIN). */
  end(): void;
  /** The transport is fully closed; `error` when it ended by failure (reset, timeout, destroy). */
  close(error?: Error): void;
  /** The write buffer emptied after a `write` returned false. */
  drain(): void;
  /** Bytes the connection holds for frames and messages not yet complete (for a server-wide budget). */
  held(): number;
}

/**
 * A duplex byte pipe plus a timer hook: the connection layer never touches sockets or timers itself,
 * so it runs unchanged over TCP, TLS or a test double.
 */
export interface Transport {
  /** Queue bytes; false when the buffer is over its high-water mark (wait for `drain`). */
  write(bytes: Buffer, cb?: (err?: Error | null) => void): boolean;
  /**
   * Queue an automatic answer (a pong) that a newer one supersedes (RFC 6455 §5.5.3): while the write
   * buffer is congested only the latest is kept, written once the buffer drains.
   */
  writeAutoReply(bytes: Buffer): void;
  /**
   * Optional: queue a compressed frame whose deflate the transport runs itself (off the event loop). It takes
   * its place in the write order now: later writes, auto replies and end() wait behind it, `cb` runs in write
   * order, and its payload counts in writableLength until the frame is handed to the OS. A transport without
   * it gets every frame already encoded.
   */
  writeDeflate?(job: DeflateJob, cb?: (err?: Error | null) => void): boolean;
  /**
   * Hold writes in memory until the matching `uncork`, then hand them to the OS together (one writev):
   * every frame one read produces leaves in one syscall. Calls nest; only the outermost uncork flushes.
   */
  cork(): void;
  /** Undo one `cork`; the last one flushes what was held, in write order. */
  uncork(): void;
  /** Half-close after queued bytes are flushed (corked bytes included). */
  end(): void;
  /** Close now, dropping queued bytes. */
  destroy(): void;
  /** Bytes queued and not yet handed to the OS. */
  readonly writableLength: number;
  /**
   * Stop reading from the peer: bytes already read may still be delivered, later ones wait in the OS,
   * so a peer that keeps writing meets TCP flow control. Idempotent.
   */
  pause(): void;
  /** Read again after `pause`. Idempotent. */
  resume(): void;
  /** Run `fn` after `ms`; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
  /** Start delivering events to `sink` (called once, when the connection opens). */
  attach(sink: TransportSink): void;
}
