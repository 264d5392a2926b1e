// Child process: in-process parser throughput of one implementation, server role, 64 KiB pieces cut anywhere.
import { performance } from 'node:perf_hooks';
import { childConfig, childMain, toParent } from '../lib/child.js';
import { buildStream, cut } from '../lib/frames.js';
import { holdAppHeap } from '../net/app-heap.js';
import { createParser, type ParserDraft, type ParserImpl } from './adapters.js';

export interface ParserCase {
  readonly draft: ParserDraft;
  readonly kind: 'text' | 'binary';
  readonly size: number;
  /** Binary messages taken as pieces: ws's binaryType 'fragments', wscompat's receiveParts. */
  readonly fragments?: boolean;
}

export interface ParserWorkerConfig {
  readonly impl: ParserImpl;
  readonly cases: readonly ParserCase[];
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly streamBytes: number;
  /** MiB of live objects to hold first (net/app-heap.ts). */
  readonly appHeapMiB: number;
}

export interface ParserFigure {
  /** Payload megabytes (10^6 bytes) per second. */
  readonly mbps: number;
  readonly msgsPerSec: number;
  readonly rounds: number;
  /**
   * Minor page faults per MiB of payload over the measured rounds: fresh memory touched per message, i.e.
   * allocator churn (glibc handing large buffers back to the OS and faulting them in again). A count, so
   * other load on the machine does not distort it the way it distorts time.
   */
  readonly faultsPerMiB: number;
  /** Process CPU time (user + system) per MiB of payload, in microseconds. */
  readonly cpuUsPerMiB: number;
}

const PIECE = 64 * 1024;
const MAX_ROUNDS = 100_000;

async function runCase(config: ParserWorkerConfig, c: ParserCase): Promise<ParserFigure> {
  const stream = buildStream(c.draft, c.kind, c.size, config.streamBytes);
  // Parsers may unmask in place, so every round gets a fresh copy of the masked bytes (copied outside the clock).
  const scratch = Buffer.allocUnsafe(stream.bytes.length);
  const pieces = cut(scratch, PIECE);
  const parser = await createParser(config.impl, c.draft, c.fragments === true);
  const round = (): number => {
    scratch.set(stream.bytes);
    const before = parser.tally.messages;
    const beforeBytes = parser.tally.bytes;
    const t0 = performance.now();
    for (let i = 0; i < pieces.length; i++) parser.feed(pieces[i]!);
    const elapsed = performance.now() - t0;
    const { tally } = parser;
    if (tally.error !== undefined) throw new Error(`${config.impl} failed: ${tally.error}`);
    if (tally.messages - before !== stream.messages || tally.bytes - beforeBytes !== stream.payloadBytes)
      throw new Error(
        `${config.impl} delivered ${tally.messages - before} messages / ${tally.bytes - beforeBytes} bytes, ` +
          `expected ${stream.messages} / ${stream.payloadBytes}`,
      );
    return elapsed;
  };
  const warmEnd = performance.now() + config.warmupMs;
  for (let i = 0; i < MAX_ROUNDS && (i < 1 || performance.now() < warmEnd); i++) round();
  globalThis.gc?.();
  const times: number[] = [];
  const faults0 = process.resourceUsage().minorPageFault;
  const cpu0 = process.cpuUsage();
  const measureEnd = performance.now() + config.measureMs;
  while (times.length < MAX_ROUNDS && (times.length < 3 || performance.now() < measureEnd))
    times.push(round());
  const cpu = process.cpuUsage(cpu0);
  const mib = (times.length * stream.payloadBytes) / (1024 * 1024);
  const faultsPerMiB = (process.resourceUsage().minorPageFault - faults0) / mib;
  const cpuUsPerMiB = (cpu.user + cpu.system) / mib;
  // The median round: robust to other processes stealing the CPU for a moment; every round still pays its GC.
  times.sort((a, b) => a - b);
  const rounds = times.length;
  const seconds = times[rounds >> 1]! / 1000;
  return {
    mbps: stream.payloadBytes / seconds / 1e6,
    msgsPerSec: stream.messages / seconds,
    rounds,
    faultsPerMiB,
    cpuUsPerMiB,
  };
}

childMain(async () => {
  const config = childConfig<ParserWorkerConfig>();
  holdAppHeap(config.appHeapMiB);
  for (const c of config.cases) {
    try {
      toParent({ type: 'figure', case: c, figure: await runCase(config, c) });
    } catch (err) {
      toParent({ type: 'figure', case: c, error: err instanceof Error ? err.message : String(err) });
    }
  }
  toParent({ type: 'done' });
  // A clean exit (not the parent's kill) lets `--cpu-prof` write its profile.
  setTimeout(() => process.exit(0), 50);
});
