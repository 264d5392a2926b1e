// replay's reports: JUnit XML (parsed by Python's XML parser), TAP, JSON by draft, and the progress throttle.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/replay-report/progress.js';
import { byDraft, junitReport, tapReport } from '../../src/cli/replay-report/reporters.js';
import type { TraceResult } from '../../src/replay/run-traces.js';
import { PYTHON } from '../support/python.js';

const results: TraceResult[] = [
  { file: 'a.trace', draft: 'rfc6455', status: 'passed', differences: [], durationMs: 12 },
  {
    file: 'b&<c>.trace',
    draft: 'rfc6455',
    status: 'failed',
    mode: 'segments',
    differences: [{ where: 'HTTP status', expected: '101', actual: '400\u0001"' }],
    durationMs: 3,
  },
  {
    file: 'd.trace',
    draft: 'hixie-76',
    status: 'skipped',
    differences: [],
    reason: 'filtered out',
    durationMs: 0,
  },
  {
    file: 'broken.trace',
    draft: undefined,
    status: 'failed',
    differences: [{ where: 'fixture', expected: 'a valid trace', actual: 'broken.trace:2: bad' }],
    durationMs: 1,
  },
];

/** Parse with a real XML parser and list (suite, case, outcome) triples. */
function parseJunit(xml: string): string {
  const script = `
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
print(root.tag, root.get('tests'), root.get('failures'), root.get('skipped'))
for s in root:
    for c in s:
        kind = 'passed' if len(c) == 0 else c[0].tag
        print(s.get('name'), c.get('name'), kind, (c[0].get('message') if len(c) else '') or '')
`;
  return execFileSync(PYTHON, ['-c', script], { input: xml, encoding: 'utf8' });
}

describe('replay reporters', () => {
  it('JUnit XML is well-formed, one suite per draft, failures carry the first difference', () => {
    expect(parseJunit(junitReport(results)).trim().split('\n')).toEqual([
      'testsuites 4 2 1',
      '(unparsable) broken.trace failure fixture: expected a valid trace, produced broken.trace:2: bad',
      'hixie-76 d.trace skipped filtered out',
      'rfc6455 a.trace passed ',
      'rfc6455 b&<c>.trace failure HTTP status: expected 101, produced 400\ufffd"',
    ]);
  });

  it('TAP 13 numbers every trace, skips with a directive, failures with a YAML block', () => {
    const tap = tapReport(results);
    expect(tap.split('\n').slice(0, 4)).toEqual([
      'TAP version 13',
      '1..4',
      'ok 1 - a.trace',
      'not ok 2 - b&<c>.trace',
    ]);
    expect(tap).toContain('ok 3 - d.trace # SKIP filtered out\n');
    expect(tap).toContain(
      '    - where: "HTTP status"\n      expected: "101"\n      actual: "400\\u0001\\""\n',
    );
  });

  it('summarises by draft', () => {
    expect(byDraft(results)).toEqual([
      { draft: '(unparsable)', passed: 0, failed: 1, skipped: 0 },
      { draft: 'hixie-76', passed: 0, failed: 0, skipped: 1 },
      { draft: 'rfc6455', passed: 1, failed: 1, skipped: 0 },
    ]);
  });
});

describe('progress', () => {
  function run(isTTY: boolean, times: number[]) {
    const out: string[] = [];
    let t = 0;
    const p = new Progress({ isTTY, write: (s) => out.push(s), columns: 80 }, times.length, () => t);
    for (const [i, at] of times.entries()) {
      t = at;
      p.update(i + 1, 0, `trace-${i + 1}`);
    }
    p.finish();
    return out;
  }

  it('without a terminal prints at most one line per second, with ETA', () => {
    // 30 traces over 2.9 s: lines at 0.1 s, 1.1 s, 2.1 s; the last one falls inside the throttle.
    const out = run(
      false,
      Array.from({ length: 30 }, (_, i) => (i + 1) * 100),
    );
    expect(out).toEqual([
      '[1/30 3% ETA 3s] trace-1\n',
      '[11/30 36% ETA 2s] trace-11\n',
      '[21/30 70% ETA 1s] trace-21\n',
    ]);
  });

  it('on a terminal redraws one bar in place and clears it at the end', () => {
    const out = run(true, [0, 50, 200, 400]);
    expect(out.every((s) => s.startsWith('\r\x1b[2K'))).toBe(true);
    expect(out).toHaveLength(4); // 0, 200, 400 (final) and the clear
    expect(out[1]).toContain('[##################------] 3/4 75% ETA 0s');
    expect(out.at(-1)).toBe('\r\x1b[2K');
  });
});
