// Counts handshakes by draft, extension, subprotocol, user agent, origin and refusal, with first/last seen,
// and buckets drafts over time for the chart. Pure: the same handshakes give the same census.
import type { Handshake } from './handshake.js';

export interface Count {
  readonly value: string;
  readonly count: number;
  /** ISO 8601, or '' when no handshake counted had a time. */
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface Census {
  readonly handshakes: number;
  readonly refused: number;
  readonly drafts: readonly Count[];
  readonly extensions: readonly Count[];
  readonly subprotocols: readonly Count[];
  readonly userAgents: readonly Count[];
  readonly origins: readonly Count[];
  /** "STATUS reason" of each kind of refusal. */
  readonly refusals: readonly Count[];
  readonly timeline: { readonly bucketMs: number; readonly buckets: readonly TimeBucket[] };
}

export interface TimeBucket {
  readonly start: string;
  readonly drafts: Readonly<Record<string, number>>;
}

/** Distinct values kept per dimension: a capture of random user agents must not grow without bound. */
export const MAX_VALUES = 10_000;
const OTHER = '(other values)';
export const NO_DRAFT = '(no supported draft)';

class Counter {
  private readonly map = new Map<string, { count: number; first: number; last: number }>();
  add(value: string, time: number): void {
    const key = this.map.has(value) || this.map.size < MAX_VALUES ? value : OTHER;
    const e = this.map.get(key);
    if (!e) this.map.set(key, { count: 1, first: time, last: time });
    else {
      e.count++;
      if (time < e.first || Number.isNaN(e.first)) e.first = time;
      if (time > e.last || Number.isNaN(e.last)) e.last = time;
    }
  }
  list(): Count[] {
    const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : '');
    return [...this.map]
      .map(([value, e]) => ({ value, count: e.count, firstSeen: iso(e.first), lastSeen: iso(e.last) }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
}

const STEPS = [60_000, 300_000, 900_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000];

/** The smallest round bucket that keeps the chart to at most `maxBuckets` bars. */
function bucketFor(spanMs: number, maxBuckets: number): number {
  return (
    STEPS.find((s) => spanMs / s < maxBuckets) ?? Math.ceil(spanMs / maxBuckets / 86_400_000) * 86_400_000
  );
}

export function tally(handshakes: readonly Handshake[], maxBuckets = 48): Census {
  const c = {
    drafts: new Counter(),
    extensions: new Counter(),
    subprotocols: new Counter(),
    userAgents: new Counter(),
    origins: new Counter(),
    refusals: new Counter(),
  };
  let refused = 0;
  for (const h of handshakes) {
    c.drafts.add(h.draft ?? NO_DRAFT, h.time);
    for (const e of new Set(h.extensions)) c.extensions.add(e, h.time);
    for (const p of new Set(h.protocols)) c.subprotocols.add(p, h.time);
    c.userAgents.add(h.userAgent || '(none)', h.time);
    c.origins.add(h.origin || '(none)', h.time);
    if (h.refusal) {
      refused++;
      c.refusals.add(`${h.refusal.status} ${h.refusal.reason}`, h.time);
    }
  }
  // A loop, not Math.min(...times): spreading 100,000 arguments overflows the stack.
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const h of handshakes)
    if (Number.isFinite(h.time)) {
      if (h.time < min) min = h.time;
      if (h.time > max) max = h.time;
    }
  let timeline: Census['timeline'] = { bucketMs: 0, buckets: [] };
  if (Number.isFinite(min)) {
    const bucketMs = bucketFor(max - min + 1, maxBuckets);
    const first = Math.floor(min / bucketMs) * bucketMs;
    const buckets = new Map<number, Record<string, number>>();
    for (let t = first; t <= max; t += bucketMs) buckets.set(t, {});
    for (const h of handshakes) {
      if (!Number.isFinite(h.time)) continue;
      const b = buckets.get(Math.floor(h.time / bucketMs) * bucketMs)!;
      const d = h.draft ?? NO_DRAFT;
      b[d] = (b[d] ?? 0) + 1;
    }
    timeline = {
      bucketMs,
      buckets: [...buckets].map(([t, drafts]) => ({ start: new Date(t).toISOString(), drafts })),
    };
  }
  return {
    handshakes: handshakes.length,
    refused,
    drafts: c.drafts.list(),
    extensions: c.extensions.list(),
    subprotocols: c.subprotocols.list(),
    userAgents: c.userAgents.list(),
    origins: c.origins.list(),
    refusals: c.refusals.list(),
    timeline,
  };
}
