// The ordered slots a transport keeps while a compressed frame is still being deflated on libuv's pool:
// each write made meanwhile (smaller messages, pongs, the close frame, end) waits behind it, so frames
// leave in the order the connection produced them and send callbacks run in that order.
import type { DeflateJob } from '../core/types.js';
import type { DeflateTicket, ZlibPool } from './zlib-pool.js';

type Callback = (err?: Error | null) => void;

/** Where ready slots go, in order: the socket, through the transport's own write path. */
export interface SlotOutput {
  write(bytes: Buffer, cb?: Callback): void;
  end(): void;
  cork(): void;
  uncork(): void;
  /** The deflate failed: the connection cannot go on (its history no longer matches the peer's). */
  fail(err: Error): void;
  /** Every slot left and the last one's bytes were handed to the OS. */
  flushed(): void;
}

interface Slot {
  /** The frame, once ready; undefined while deflating. */
  bytes: Buffer | undefined;
  /** Bytes this slot counts in `bytes` below: the payload while deflating, then the frame. */
  size: number;
  end: boolean;
  cb: Callback | undefined;
  ticket: DeflateTicket | undefined;
}

export class DeferredWrites {
  /** Bytes waiting here (payloads being deflated, frames behind them): part of the transport's buffer. */
  bytes = 0;
  private slots: Slot[] = [];
  private dropped = false;

  constructor(
    private readonly pool: ZlibPool,
    private readonly out: SlotOutput,
  ) {}

  /** Something waits: every write must queue here, not go to the socket directly. */
  get busy(): boolean {
    return this.slots.length > 0;
  }

  deflate(job: DeflateJob, cb: Callback | undefined): void {
    const slot: Slot = { bytes: undefined, size: job.input.length, end: false, cb, ticket: undefined };
    this.slots.push(slot);
    this.bytes += slot.size;
    slot.ticket = this.pool.submit(job, (out) => this.settle(slot, job, out));
    // Pool and FIFO full: deflated now, on this thread, still in order behind what is pending.
    if (slot.ticket === undefined) this.settle(slot, job, this.pool.deflateInline(job));
  }

  write(bytes: Buffer, cb: Callback | undefined): void {
    this.slots.push({ bytes, size: bytes.length, end: false, cb, ticket: undefined });
    this.bytes += bytes.length;
    // Nothing pending ahead (a deflate finished inline): straight through.
    if (this.slots.length === 1) this.flush();
  }

  end(): void {
    this.slots.push({ bytes: EMPTY, size: 0, end: true, cb: undefined, ticket: undefined });
    if (this.slots.length === 1) this.flush();
  }

  /** The transport closed: free every deflate, fail every callback, write nothing more. */
  drop(): void {
    if (this.slots.length === 0) return;
    this.dropped = true;
    const slots = this.slots;
    this.slots = [];
    this.bytes = 0;
    const err = new Error('the socket is closed');
    for (const slot of slots) {
      slot.ticket?.cancel();
      const cb = slot.cb;
      if (cb) queueMicrotask(() => cb(err));
    }
  }

  private settle(slot: Slot, job: DeflateJob, out: Buffer | Error): void {
    // A cancelled ticket never settles; this guards the inline path only.
    if (this.dropped) return;
    slot.ticket = undefined;
    if (out instanceof Error) {
      this.out.fail(out);
      return;
    }
    const frame = job.frame(out);
    this.bytes += frame.length - slot.size;
    slot.size = frame.length;
    slot.bytes = frame;
    if (this.slots[0] === slot) this.flush();
  }

  /** Write every ready slot from the front, corked: frames that became ready together leave in one writev. */
  private flush(): void {
    const out = this.out;
    out.cork();
    try {
      while (this.slots.length > 0 && this.slots[0]!.bytes !== undefined) {
        const slot = this.slots.shift()!;
        this.bytes -= slot.size;
        if (slot.end) out.end();
        else if (this.slots.length > 0) out.write(slot.bytes!, slot.cb);
        else {
          const cb = slot.cb;
          out.write(slot.bytes!, (err) => {
            cb?.(err);
            out.flushed();
          });
        }
      }
    } finally {
      out.uncork();
    }
  }
}

const EMPTY = Buffer.alloc(0);
