// A Transport double for Connection tests: records writes, runs timers on demand, lets the test play the peer.
import type { Transport, TransportSink } from '../../src/connection/transport.js';

export class FakeTransport implements Transport {
  readonly written: Buffer[] = [];
  ended = false;
  destroyed = false;
  writableLength = 0;
  /** write() returns false once this many bytes are queued. */
  highWater = Number.POSITIVE_INFINITY;
  readonly timers: { ms: number; fn: () => void; cancelled: boolean }[] = [];
  /** Set by pause(); the peer's bytes then wait in `held`, as they would in the OS. */
  paused = false;
  readonly held: Buffer[] = [];
  private sink: TransportSink | undefined;

  /** Calls to write(), whether corked or not. */
  writeCalls = 0;
  /** Nesting depth of cork(). */
  corked = 0;
  /** Writes held by cork(): they reach `written` as one entry (one writev), as a corked socket does. */
  private corkedWrites: Buffer[] = [];

  write(bytes: Buffer, cb?: (err?: Error | null) => void): boolean {
    this.writeCalls++;
    if (this.corked > 0) this.corkedWrites.push(Buffer.from(bytes));
    else this.written.push(Buffer.from(bytes));
    this.writableLength += bytes.length;
    cb?.(null);
    return this.writableLength < this.highWater;
  }
  /** Automatic pongs, counted apart; written like any other bytes (a fake never congests). */
  autoReplies = 0;
  writeAutoReply(bytes: Buffer): void {
    this.autoReplies++;
    this.write(bytes);
  }
  cork(): void {
    this.corked++;
  }
  uncork(): void {
    if (this.corked === 0) return;
    if (--this.corked === 0) this.flushCorked();
  }
  end(): void {
    // Node's end() fully uncorks first.
    this.corked = 0;
    this.flushCorked();
    this.ended = true;
  }
  private flushCorked(): void {
    if (this.corkedWrites.length > 0) this.written.push(Buffer.concat(this.corkedWrites.splice(0)));
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.corkedWrites = [];
    this.sink?.close(new Error('destroyed'));
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    while (!this.paused && this.held.length > 0) this.sink?.data(this.held.shift()!);
  }
  setTimer(ms: number, fn: () => void): () => void {
    const timer = { ms, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }
  attach(sink: TransportSink): void {
    this.sink = sink;
  }

  /** Everything written so far, as one buffer. */
  output(): Buffer {
    return Buffer.concat(this.written);
  }
  peerSends(bytes: Uint8Array): void {
    if (this.paused) this.held.push(Buffer.from(bytes));
    else this.sink?.data(Buffer.from(bytes));
  }
  peerEnds(): void {
    this.sink?.end();
  }
  /** The socket closed (both FINs seen, or a reset). */
  closed(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.sink?.close();
  }
  flush(): void {
    this.writableLength = 0;
    this.sink?.drain();
  }
  fireTimers(): void {
    for (const t of this.timers.splice(0)) if (!t.cancelled) t.fn();
  }
  liveTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}
