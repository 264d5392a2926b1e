// Child process: RFC 6455 §5.3 unmask throughput in-process (GB/s), one implementation, the median of many rounds.
// CPU-bound and in cache, so far less sensitive to other load on the machine than the loopback suites.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { maskBuffer, maskCopy } from '../../src/family/hybi/mask.js';
import { childConfig, childMain, toParent } from '../lib/child.js';
import { payload } from '../lib/frames.js';

const require = createRequire(import.meta.url);

export type MaskImpl = 'wscompat' | 'ws';

export interface MaskCase {
  /** `inplace`: unmask one buffer in place; `gather`: copy 64 KiB pieces into one buffer, unmasking. */
  readonly op: 'inplace' | 'gather';
  readonly size: number;
}

export interface MaskWorkerConfig {
  readonly impl: MaskImpl;
  readonly cases: readonly MaskCase[];
  readonly measureMs: number;
}

interface Masker {
  unmask(buf: Buffer, key: Buffer): void;
  mask(src: Buffer, key: Buffer, dst: Buffer, at: number, n: number): void;
}

function masker(impl: MaskImpl): Masker {
  if (impl === 'ws') {
    // ws's own helper: bufferutil when loadable, its JS loop under WS_NO_BUFFER_UTIL (set per child).
    return require(join(dirname(require.resolve('ws')), 'lib/buffer-util.js')) as Masker;
  }
  return {
    unmask: (buf, k) => maskBuffer(buf, k[0]!, k[1]!, k[2]!, k[3]!),
    mask: (src, k, dst, at, n) => maskCopy(src, 0, n, dst, at, k[0]!, k[1]!, k[2]!, k[3]!),
  };
}

const PIECE = 64 * 1024;
/** Bytes per timed round: enough that the clock's resolution and call overhead vanish. */
const ROUND_BYTES = 32 * 1024 * 1024;

function runCase(m: Masker, c: MaskCase, measureMs: number): number {
  const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const src = payload(c.size, 'binary');
  const copy = Buffer.from(src);
  const dst = Buffer.allocUnsafe(c.size);
  const pieces: Buffer[] = [];
  for (let at = 0; at < c.size; at += PIECE) pieces.push(src.subarray(at, Math.min(c.size, at + PIECE)));
  const passes = Math.max(1, Math.floor(ROUND_BYTES / c.size));
  const round = (): number => {
    const t0 = performance.now();
    for (let p = 0; p < passes; p++) {
      if (c.op === 'inplace') m.unmask(copy, key);
      else
        for (let i = 0, at = 0; i < pieces.length; at += pieces[i]!.length, i++)
          m.mask(pieces[i]!, key, dst, at, pieces[i]!.length);
    }
    return performance.now() - t0;
  };
  // Correctness: unmasking twice restores the input; gathering equals unmasking a copy.
  if (c.op === 'inplace') {
    m.unmask(copy, key);
    m.unmask(copy, key);
    if (!copy.equals(src)) throw new Error('unmask twice did not restore the input');
  } else {
    round();
    const expect = Buffer.from(src);
    for (let i = 0; i < expect.length; i++) expect[i]! ^= key[i & 3]!;
    if (!dst.equals(expect)) throw new Error('gathered bytes differ from the unmasked input');
  }
  for (let i = 0; i < 5; i++) round();
  const times: number[] = [];
  const end = performance.now() + measureMs;
  while (times.length < 1000 && (times.length < 5 || performance.now() < end)) times.push(round());
  times.sort((a, b) => a - b);
  return (passes * c.size) / (times[times.length >> 1]! / 1000) / 1e9;
}

childMain(async () => {
  const config = childConfig<MaskWorkerConfig>();
  const m = masker(config.impl);
  for (const c of config.cases) {
    try {
      toParent({ type: 'figure', case: c, gbps: runCase(m, c, config.measureMs) });
    } catch (err) {
      toParent({ type: 'figure', case: c, error: err instanceof Error ? err.message : String(err) });
    }
  }
  setTimeout(() => process.exit(0), 50);
});
