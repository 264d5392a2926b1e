// The process-wide limit on zlib work handed to libuv's thread pool. Every connection's large deflates go
// through one ZlibPool: at most `limit` run at once (the pool is shared with dns.lookup, fs and crypto), a
// bounded FIFO waits behind them, and past that bound the caller deflates inline, on the event loop, as if
// asynchronous compression were off: 10,000 connections sending at once cost a bounded amount of waiting
// memory and slow their own event loop down instead of queueing without end (docs/performance.md).
import { deflateRaw, deflateRawSync } from 'node:zlib';
import type { DeflateCall } from '../core/types.js';

/** libuv's pool size: UV_THREADPOOL_SIZE as libuv reads it (default 4, at most 1024). */
export function threadPoolSize(): number {
  const n = Number.parseInt(process.env.UV_THREADPOOL_SIZE ?? '', 10);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1024) : 4;
}

/** One thread of libuv's pool stays free for dns.lookup and fs: zlib gets the others (at least one). */
export function defaultConcurrency(): number {
  return Math.max(1, threadPoolSize() - 1);
}

/** Payload bytes that may wait for a pool thread, over every connection of the process. */
export const DEFAULT_MAX_WAITING_BYTES = 8 * 1024 * 1024;

/** A deflate handed to the pool; cancel() frees it (its result, if it already runs, is dropped). */
export interface DeflateTicket {
  cancel(): void;
}

class Task implements DeflateTicket {
  cancelled = false;
  constructor(
    readonly pool: ZlibPool,
    public call: DeflateCall | undefined,
    readonly size: number,
    readonly done: (out: Buffer | Error) => void,
  ) {}

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.pool.cancelled(this);
  }
}

export class ZlibPool {
  /** Deflates running on libuv's pool now. */
  running = 0;
  /** Payload bytes waiting in the FIFO. */
  waitingBytes = 0;
  /** High-water marks and counts, for tests and figures. */
  peakRunning = 0;
  peakWaitingBytes = 0;
  inlineRuns = 0;
  private fifo: (Task | undefined)[] = [];
  private head = 0;

  constructor(
    public limit: number = defaultConcurrency(),
    readonly maxWaitingBytes: number = DEFAULT_MAX_WAITING_BYTES,
  ) {}

  /**
   * Deflate `call` on the pool; `done` gets zlib's output later, never synchronously. Undefined when the pool
   * and its FIFO are full: the caller then runs deflateInline().
   */
  submit(call: DeflateCall, done: (out: Buffer | Error) => void): DeflateTicket | undefined {
    const size = call.input.length;
    const task = new Task(this, call, size, done);
    if (this.running < this.limit) {
      this.start(task);
      return task;
    }
    if (this.waitingBytes + size > this.maxWaitingBytes) return undefined;
    this.fifo.push(task);
    this.waitingBytes += size;
    if (this.waitingBytes > this.peakWaitingBytes) this.peakWaitingBytes = this.waitingBytes;
    return task;
  }

  /** The fallback when submit() refuses: the same deflate, on the calling thread. */
  deflateInline(call: DeflateCall): Buffer {
    this.inlineRuns++;
    return deflateRawSync(call.input, call.options);
  }

  /** Task.cancel(): a waiting task leaves the FIFO's count now (its slot is skipped when reached). */
  cancelled(task: Task): void {
    if (task.call === undefined) return;
    task.call = undefined;
    // Still waiting (a running task's call was taken when it started).
    this.waitingBytes -= task.size;
  }

  private start(task: Task): void {
    const call = task.call!;
    task.call = undefined;
    this.running++;
    if (this.running > this.peakRunning) this.peakRunning = this.running;
    deflateRaw(call.input, call.options, (err, out) => {
      this.running--;
      if (!task.cancelled) task.done(err ?? out);
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.limit && this.head < this.fifo.length) {
      const task = this.fifo[this.head];
      this.fifo[this.head++] = undefined;
      if (task === undefined || task.call === undefined) continue;
      this.waitingBytes -= task.size;
      this.start(task);
    }
    if (this.head === this.fifo.length) {
      this.fifo = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.head = 0;
    }
  }
}

let shared: ZlibPool | undefined;

/** The pool every connection of this process uses. */
export function sharedZlibPool(): ZlibPool {
  shared ??= new ZlibPool();
  return shared;
}
