// The process-wide limit on zlib work (issue 13 item 3): 10,000 connections each deflating a large message
// at once never run more than `limit` deflates on libuv's pool, never keep more than the FIFO's bound of
// payload waiting (the rest deflate inline), and every connection's frames still leave in order.
import { constants, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DeflateJob } from '../../src/core/types.js';
import { DeferredWrites } from '../../src/node/deferred-writes.js';
import { defaultConcurrency, threadPoolSize, ZlibPool } from '../../src/node/zlib-pool.js';
import { jsonLike } from '../hybi/compression-helpers.js';

const OPTIONS = { level: 1, windowBits: 15, finishFlush: constants.Z_SYNC_FLUSH };

function job(payload: Buffer): DeflateJob {
  return {
    input: Buffer.from(payload),
    options: OPTIONS,
    frame: (out) => Buffer.concat([Buffer.from('D'), out]),
  };
}

/** One connection's output: what reached its "socket", in order. */
class Sink {
  readonly written: Buffer[] = [];
  ended = false;
  flushes = 0;
  write(bytes: Buffer, cb?: (err?: Error | null) => void): void {
    if (this.ended) throw new Error('write after end');
    this.written.push(bytes);
    cb?.(null);
  }
  end(): void {
    this.ended = true;
  }
  cork(): void {}
  uncork(): void {}
  fail(err: Error): void {
    throw err;
  }
  flushed(): void {
    this.flushes++;
  }
}

describe('ZlibPool', () => {
  it('defaults to one thread fewer than libuv has', () => {
    expect(threadPoolSize()).toBe(Number(process.env.UV_THREADPOOL_SIZE) || 4);
    expect(defaultConcurrency()).toBe(Math.max(1, threadPoolSize() - 1));
  });

  it('10,000 connections deflating at once: bounded concurrency and waiting bytes, all delivered in order', async () => {
    const CONNECTIONS = 10_000;
    const payload = Buffer.from(jsonLike(16 * 1024, 5));
    const LIMIT = 2;
    const MAX_WAITING = 1024 * 1024;
    const pool = new ZlibPool(LIMIT, MAX_WAITING);
    const sinks = Array.from({ length: CONNECTIONS }, () => new Sink());
    const writers = sinks.map((s) => new DeferredWrites(pool, s));
    const acks: number[][] = sinks.map(() => []);
    const started = Date.now();
    const wrong: number[] = [];
    writers.forEach((w, i) => {
      w.deflate(job(payload), () => acks[i]!.push(0));
      // A small frame and the end behind it must wait for the deflate.
      w.write(Buffer.from('after'), () => acks[i]!.push(1));
      w.end();
      // While waiting, the payload counts against the connection's write budget.
      if (w.busy && w.bytes < payload.length) wrong.push(i);
    });
    expect(pool.waitingBytes).toBeLessThanOrEqual(MAX_WAITING);
    const deadline = Date.now() + 30_000;
    while (writers.some((w) => w.busy) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(writers.every((w) => !w.busy)).toBe(true);
    expect(pool.peakRunning).toBe(LIMIT);
    expect(pool.peakWaitingBytes).toBeLessThanOrEqual(MAX_WAITING);
    // Past the FIFO's bound, deflates ran inline instead of queueing.
    expect(pool.inlineRuns).toBeGreaterThan(CONNECTIONS / 2);
    expect(pool.inlineRuns).toBeLessThan(CONNECTIONS);
    expect(wrong).toEqual([]);
    // Plain comparisons: 10,000 deep equalities of 16 KiB buffers would take minutes.
    for (let i = 0; i < CONNECTIONS; i++) {
      const { written, ended } = sinks[i]!;
      const [frame, after] = written;
      const ok =
        written.length === 2 &&
        ended &&
        frame![0] === 0x44 &&
        inflateRawSync(frame!.subarray(1), { finishFlush: constants.Z_SYNC_FLUSH }).equals(payload) &&
        after!.toString() === 'after' &&
        acks[i]!.join() === '0,1' &&
        writers[i]!.bytes === 0;
      if (!ok) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(pool.running).toBe(0);
    expect(pool.waitingBytes).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('drop() frees waiting deflates at once, fails their callbacks, and nothing is written after', async () => {
    const pool = new ZlibPool(1, 1024 * 1024);
    const payload = Buffer.from(jsonLike(32 * 1024, 6));
    const sinks = [new Sink(), new Sink(), new Sink()];
    const writers = sinks.map((s) => new DeferredWrites(pool, s));
    const errors: (Error | null | undefined)[] = [];
    for (const w of writers) w.deflate(job(payload), (err) => errors.push(err));
    expect(pool.running).toBe(1);
    expect(pool.waitingBytes).toBe(2 * payload.length);
    writers[1]!.drop();
    writers[0]!.drop();
    expect(pool.waitingBytes).toBe(payload.length);
    const deadline = Date.now() + 10_000;
    while (writers[2]!.busy && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(sinks[0]!.written).toEqual([]);
    expect(sinks[1]!.written).toEqual([]);
    expect(sinks[2]!.written.length).toBe(1);
    expect(errors.filter((e) => e instanceof Error).length).toBe(2);
    expect(pool.running).toBe(0);
    expect(pool.waitingBytes).toBe(0);
  });
});
