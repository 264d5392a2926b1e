// The bench's regression call-out: ratios to ws that moved the wrong way by more than 20 % against the baseline.
import { describe, expect, it } from 'vitest';
import { findRegressions } from '../../bench/lib/baseline.js';
import { Results } from '../../bench/lib/report.js';

function run(rate: number, latency: number, js: number) {
  const r = new Results();
  r.add('echo', '1 KiB x 16', 'messages/s', 'msg/s', 'higher', {
    wscompat: rate,
    'wscompat-js': js,
    ws: 100,
  });
  r.add('echo', '1 KiB x 16', 'p99 latency', 'us', 'lower', { wscompat: latency, ws: 100 });
  return r.figures;
}

describe('findRegressions', () => {
  it('calls out a rate ratio that fell, and a latency ratio that rose, by more than 20 %', () => {
    const found = findRegressions(run(300, 50, 200), run(230, 61, 200));
    expect(found.map((f) => [f.key, f.build, f.before, f.now])).toEqual([
      ['echo | 1 KiB x 16 | messages/s', 'wscompat', 3, 2.3],
      ['echo | 1 KiB x 16 | p99 latency', 'wscompat', 0.5, 0.61],
    ]);
  });

  it('stays quiet within 20 %, for improvements, and for figures the baseline lacks', () => {
    expect(findRegressions(run(300, 50, 200), run(250, 59, 400))).toEqual([]);
    expect(findRegressions([], run(1, 1000, 1))).toEqual([]);
  });

  it('judges the pure-JS build on its own ratio', () => {
    const found = findRegressions(run(300, 50, 200), run(300, 50, 150));
    expect(found.map((f) => f.build)).toEqual(['wscompat-js']);
  });
});
