// Regressions against the previous committed figures (bench/baseline.json, a `--json` file of an earlier run).
import { existsSync, readFileSync } from 'node:fs';
import type { Figure, Impl } from './report.js';

/** A ratio to `ws` that moved the wrong way by more than this share is called out. */
export const REGRESSION_LIMIT = 0.2;

export interface Regression {
  readonly key: string;
  /** Which of wscompat's two builds: with bufferutil, or the pure-JS path. */
  readonly build: 'wscompat' | 'wscompat-js';
  readonly before: number;
  readonly now: number;
}

function keyOf(f: Pick<Figure, 'suite' | 'case' | 'metric'>): string {
  return `${f.suite} | ${f.case} | ${f.metric}`;
}

/**
 * Ratios to ws+bufferutil from the same run are compared, not raw figures: a ratio survives a busier or
 * quieter machine far better than messages per second do.
 */
export function findRegressions(baseline: readonly Figure[], now: readonly Figure[]): Regression[] {
  const before = new Map(baseline.map((f) => [keyOf(f), f]));
  const out: Regression[] = [];
  const peer: Impl = 'ws';
  for (const f of now) {
    const old = before.get(keyOf(f));
    if (!old) continue;
    for (const build of ['wscompat', 'wscompat-js'] as const) {
      const a = build === 'wscompat' ? old.ratios?.[peer] : old.ratiosJs?.[peer];
      const b = build === 'wscompat' ? f.ratios[peer] : f.ratiosJs[peer];
      if (a === undefined || b === undefined || a <= 0) continue;
      // Higher is better: a drop below 80 %; lower is better: a rise above 120 %.
      const worse = f.better === 'higher' ? b < a * (1 - REGRESSION_LIMIT) : b > a * (1 + REGRESSION_LIMIT);
      if (worse) out.push({ key: keyOf(f), build, before: a, now: b });
    }
  }
  return out;
}

export function loadBaseline(file: string): Figure[] | undefined {
  if (!existsSync(file)) return undefined;
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { figures?: Figure[] };
  return Array.isArray(doc.figures) ? doc.figures : undefined;
}

export function formatRegressions(file: string, found: readonly Regression[]): string {
  if (found.length === 0) return `\nno ratio to ws moved more than 20 % the wrong way against ${file}`;
  const lines = found.map(
    (r) => `  REGRESSION ${r.build} ${r.key}: ${r.before.toFixed(2)}x -> ${r.now.toFixed(2)}x ws`,
  );
  return [`\n${found.length} regression(s) of more than 20 % against ${file}:`, ...lines].join('\n');
}
