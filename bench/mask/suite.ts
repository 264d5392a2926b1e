// Parent side of the in-process unmask benchmark: wscompat's backends against ws's (bufferutil, and its JS loop).
import { Child } from '../lib/child.js';
import { type Impl, type Results, sizeLabel } from '../lib/report.js';
import { interleaved } from '../net/parent.js';
import type { MaskCase, MaskImpl, MaskWorkerConfig } from './worker.js';

export interface MaskSuiteOptions {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

const CASES: readonly MaskCase[] = [
  { op: 'inplace', size: 1024 * 1024 },
  { op: 'inplace', size: 64 * 1024 },
  { op: 'gather', size: 1024 * 1024 },
];

/** wscompat-js is wscompat without bufferutil, i.e. its WebAssembly SIMD loop. */
const VARIANTS: readonly { impl: Impl; base: MaskImpl; env: Record<string, string> }[] = [
  { impl: 'wscompat', base: 'wscompat', env: {} },
  { impl: 'wscompat-js', base: 'wscompat', env: { WSCOMPAT_NO_BUFFERUTIL: '1' } },
  { impl: 'ws', base: 'ws', env: {} },
  { impl: 'ws-nobu', base: 'ws', env: { WS_NO_BUFFER_UTIL: '1' } },
];

function caseName(c: MaskCase): string {
  return `${c.op === 'inplace' ? 'unmask in place' : 'gather 64 KiB pieces'} ${sizeLabel(c.size)}`;
}

export async function maskSuite(results: Results, opts: MaskSuiteOptions): Promise<void> {
  const reps = opts.quick ? 1 : 3;
  const best = new Map<
    string,
    { values: Partial<Record<Impl, number>>; errors: Partial<Record<Impl, string>> }
  >();
  for (const c of CASES) best.set(caseName(c), { values: {}, errors: {} });
  for (let rep = 0; rep < reps; rep++) {
    for (const v of interleaved(VARIANTS, rep)) {
      const config: MaskWorkerConfig = { impl: v.base, cases: CASES, measureMs: opts.quick ? 100 : 700 };
      const child = new Child('../mask/worker.ts', config, v.env);
      try {
        for (let i = 0; i < CASES.length; i++) {
          const msg = await child.expect('figure', 60_000);
          const entry = best.get(caseName(msg.case as MaskCase))!;
          if (typeof msg.error === 'string') entry.errors[v.impl] = msg.error;
          else {
            const gbps = msg.gbps as number;
            opts.log(
              `  mask ${v.impl.padEnd(11)} ${caseName(msg.case as MaskCase).padEnd(28)} ${gbps.toFixed(1)} GB/s`,
            );
            entry.values[v.impl] = Math.max(entry.values[v.impl] ?? 0, gbps);
          }
        }
      } catch (err) {
        for (const entry of best.values())
          entry.errors[v.impl] ??= err instanceof Error ? err.message : String(err);
      } finally {
        await child.stop();
      }
    }
  }
  for (const [name, { values, errors }] of best)
    results.add('unmask (in-process)', name, 'throughput', 'GB/s', 'higher', values, errors);
}
