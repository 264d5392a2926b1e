// Bytes that reach a socket before its connection opens (hixie-76 key3, pipelined frames), bounded.
import type { Socket } from 'node:net';

/** Beyond this, a client sending before the handshake ends is misbehaving: drop it. */
export const MAX_PENDING_BYTES = 64 * 1024;

/**
 * Listens to `socket` from the moment Node hands it over (its 'data' listener is removed on upgrade, so
 * unbound bytes would be lost) until `release`, which returns everything received.
 */
export class PendingBytes {
  private chunks: Buffer[] = [];
  private size = 0;
  private waiter: { need: number; resolve: () => void } | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > MAX_PENDING_BYTES) {
      this.socket.destroy();
      return;
    }
    if (this.waiter && this.size >= this.waiter.need) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve();
    }
  };

  constructor(
    private readonly socket: Socket,
    head: Buffer,
  ) {
    if (head.length > 0) {
      this.chunks.push(Buffer.from(head));
      this.size = head.length;
    }
    socket.on('data', this.onData);
    socket.resume();
  }

  get length(): number {
    return this.size;
  }

  /** Calls `resolve` once at least `n` bytes are held (at once if they already are). */
  whenAtLeast(n: number, resolve: () => void): void {
    if (this.size >= n) resolve();
    else this.waiter = { need: n, resolve };
  }

  /** Stop listening and hand over every byte received. */
  release(): Buffer {
    this.socket.off('data', this.onData);
    // Paused until the connection takes over, so no read slips past with nobody listening.
    this.socket.pause();
    this.waiter = undefined;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    return all;
  }
}
