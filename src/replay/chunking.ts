// How a replay cuts the peer's bytes into pushes: as recorded, whole, byte by byte, or at seeded random splits.
import { seededRng } from '../core/rng.js';

export type SplitMode = 'segments' | 'whole' | 'bytes' | { readonly random: number };

export const DEFAULT_MODES: readonly SplitMode[] = [
  'segments',
  'whole',
  'bytes',
  { random: 1 },
  { random: 2 },
];

export function modeName(mode: SplitMode): string {
  return typeof mode === 'string' ? mode : `random(seed ${mode.random})`;
}

/** Cut the recorded segments of one direction according to `mode`; no chunk is empty. */
export function splitChunks(segments: readonly Buffer[], mode: SplitMode): Buffer[] {
  if (mode === 'segments') return segments.filter((s) => s.length > 0);
  const all = Buffer.concat(segments);
  if (all.length === 0) return [];
  if (mode === 'whole') return [all];
  if (mode === 'bytes') return [...all].map((_, i) => all.subarray(i, i + 1));
  const rng = seededRng(mode.random);
  const out: Buffer[] = [];
  let at = 0;
  // Bounded: every pass takes at least one byte.
  while (at < all.length) {
    const len = 1 + (rng(1)[0]! % 24);
    out.push(all.subarray(at, Math.min(all.length, at + len)));
    at += len;
  }
  return out;
}
