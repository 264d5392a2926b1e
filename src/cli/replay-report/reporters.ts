// The replay command's reports: human (diffs and a summary by draft), JSON, JUnit XML and TAP 13.
import { formatDifferences } from '../../replay/compare.js';
import type { TraceResult, TraceStatus } from '../../replay/run-traces.js';
import { xmlEscape } from './xml.js';

export const REPORTERS = ['human', 'json', 'junit', 'tap'] as const;
export type ReporterName = (typeof REPORTERS)[number];

export interface DraftSummary {
  readonly draft: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Files that are not valid traces have no draft: they are counted under "(unparsable)". */
const draftOf = (r: TraceResult) => r.draft ?? '(unparsable)';

export function count(results: readonly TraceResult[], status: TraceStatus): number {
  return results.filter((r) => r.status === status).length;
}

export function byDraft(results: readonly TraceResult[]): DraftSummary[] {
  const drafts = [...new Set(results.map(draftOf))].sort();
  return drafts.map((draft) => {
    const mine = results.filter((r) => draftOf(r) === draft);
    return {
      draft,
      passed: count(mine, 'passed'),
      failed: count(mine, 'failed'),
      skipped: count(mine, 'skipped'),
    };
  });
}

export function totalLine(results: readonly TraceResult[]): string {
  const skipped = count(results, 'skipped');
  return `${count(results, 'passed')} passed, ${count(results, 'failed')} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}

/** One failing trace for the human report. */
export function humanFailure(r: TraceResult): string {
  return `FAIL ${r.file}${r.mode ? ` (${r.mode})` : ''}\n${formatDifferences(r.differences)}\n`;
}

export function humanSummary(results: readonly TraceResult[]): string {
  const rows = byDraft(results);
  const lines = rows.length > 1 ? ['draft         passed  failed  skipped'] : [];
  if (rows.length > 1)
    for (const s of rows)
      lines.push(
        `${s.draft.padEnd(12)} ${String(s.passed).padStart(7)} ${String(s.failed).padStart(7)} ${String(s.skipped).padStart(8)}`,
      );
  return `${lines.map((l) => `${l}\n`).join('')}${totalLine(results)}`;
}

export function jsonReport(results: readonly TraceResult[]): string {
  const report = {
    passed: count(results, 'passed'),
    failed: count(results, 'failed'),
    skipped: count(results, 'skipped'),
    drafts: byDraft(results),
    results,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** JUnit XML as GitHub and GitLab render it: one <testsuite> per draft, one <testcase> per trace. */
export function junitReport(results: readonly TraceResult[], suite = 'wscompat replay'): string {
  const total = (rs: readonly TraceResult[]) => seconds(rs.reduce((t, r) => t + r.durationMs, 0));
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(suite)}" tests="${results.length}" failures="${count(results, 'failed')}" skipped="${count(results, 'skipped')}" time="${total(results)}">`,
  ];
  for (const s of byDraft(results)) {
    const mine = results.filter((r) => draftOf(r) === s.draft);
    out.push(
      `  <testsuite name="${xmlEscape(s.draft)}" tests="${mine.length}" failures="${s.failed}" errors="0" skipped="${s.skipped}" time="${total(mine)}">`,
    );
    for (const r of mine) {
      const open = `    <testcase classname="wscompat.replay.${xmlEscape(s.draft)}" name="${xmlEscape(r.file)}" time="${seconds(r.durationMs)}"`;
      if (r.status === 'passed') out.push(`${open}/>`);
      else if (r.status === 'skipped')
        out.push(`${open}>`, `      <skipped message="${xmlEscape(r.reason ?? '')}"/>`, '    </testcase>');
      else {
        const first = r.differences[0];
        const message = first
          ? `${first.where}: expected ${first.expected}, produced ${first.actual}`
          : 'failed';
        out.push(
          `${open}>`,
          `      <failure message="${xmlEscape(message)}" type="${xmlEscape(r.mode ?? 'replay')}">${xmlEscape(formatDifferences(r.differences))}</failure>`,
          '    </testcase>',
        );
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** TAP version 13; differences as a YAML block (JSON strings are valid YAML scalars). */
export function tapReport(results: readonly TraceResult[]): string {
  const out = ['TAP version 13', `1..${results.length}`];
  for (const [i, r] of results.entries()) {
    const n = i + 1;
    if (r.status === 'passed') out.push(`ok ${n} - ${r.file}`);
    else if (r.status === 'skipped') out.push(`ok ${n} - ${r.file} # SKIP ${r.reason ?? ''}`.trimEnd());
    else {
      out.push(`not ok ${n} - ${r.file}`, '  ---', `  draft: ${JSON.stringify(r.draft ?? null)}`);
      if (r.mode) out.push(`  mode: ${JSON.stringify(r.mode)}`);
      out.push('  differences:');
      for (const d of r.differences)
        out.push(
          `    - where: ${JSON.stringify(d.where)}`,
          `      expected: ${JSON.stringify(d.expected)}`,
          `      actual: ${JSON.stringify(d.actual)}`,
        );
      out.push('  ...');
    }
  }
  return `${out.join('\n')}\n`;
}

export function report(name: Exclude<ReporterName, 'human'>, results: readonly TraceResult[]): string {
  if (name === 'json') return jsonReport(results);
  if (name === 'junit') return junitReport(results);
  return tapReport(results);
}
