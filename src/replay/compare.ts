// Comparator: recorded vs produced heads (semantically), byte streams (exactly) and events, as readable diffs.
import { parseRequestHead, parseResponseHead } from '../core/http-head.js';
import type { HeaderLine } from '../core/types.js';
import { ALWAYS_VARY, type ExpectedEvent } from './fixture.js';
import { formatEvent } from './fixture-values.js';
import { printableColumn } from './hexdump.js';

/** One mismatch: where it is, what the trace says, what we got. */
export interface Difference {
  readonly where: string;
  readonly expected: string;
  readonly actual: string;
  /** For byte comparisons: the offset of the first differing byte in the compared stream. */
  readonly offset?: number;
}

/** The byte length of `client`+`server` head in `stream`, or -1 when there is no complete head. */
export function headLength(stream: Buffer, kind: 'request' | 'response'): number {
  const parsed = kind === 'request' ? parseRequestHead(stream) : parseResponseHead(stream);
  return parsed.kind === 'head' ? parsed.consumed : -1;
}

function headerKey([name, value]: HeaderLine): string {
  return `${name.toLowerCase()}: ${value}`;
}

/** Heads compared as start line plus a multiset of headers; `vary` names (lower case) are skipped. */
export function compareHeads(
  expected: Buffer,
  actual: Buffer,
  kind: 'request' | 'response',
  vary: readonly string[],
): Difference[] {
  const label = kind === 'request' ? 'request head' : 'response head';
  const e = kind === 'request' ? parseRequestHead(expected) : parseResponseHead(expected);
  const a = kind === 'request' ? parseRequestHead(actual) : parseResponseHead(actual);
  if (e.kind !== 'head')
    return [{ where: label, expected: 'a parsable head (the trace is damaged)', actual: '-' }];
  if (a.kind !== 'head')
    return [
      {
        where: label,
        expected: 'a complete head',
        actual: a.kind === 'error' ? a.reason : 'incomplete head',
      },
    ];
  const diffs: Difference[] = [];
  const line = (b: Buffer) => b.toString('latin1', 0, b.indexOf(0x0a)).replace(/\r$/, '');
  if (line(expected) !== line(actual))
    diffs.push({ where: `${label}: start line`, expected: line(expected), actual: line(actual) });
  const skip = new Set([...ALWAYS_VARY, ...vary.map((v) => v.toLowerCase())]);
  const keep = (h: HeaderLine) => !skip.has(h[0].toLowerCase());
  const want = e.head.headers.filter(keep).map(headerKey);
  const got = a.head.headers.filter(keep).map(headerKey);
  const remaining = [...got];
  for (const h of want) {
    const i = remaining.indexOf(h);
    if (i >= 0) remaining.splice(i, 1);
    else {
      const name = h.slice(0, h.indexOf(':'));
      const other = remaining.filter((r) => r.startsWith(`${name}:`));
      diffs.push({ where: `${label}: header ${name}`, expected: h, actual: other.join(' | ') || '(absent)' });
    }
  }
  for (const r of remaining) {
    const name = r.slice(0, r.indexOf(':'));
    if (!want.some((w) => w.startsWith(`${name}:`)))
      diffs.push({ where: `${label}: header ${name}`, expected: '(absent)', actual: r });
  }
  return diffs;
}

function hexWindow(b: Buffer, at: number): string {
  const from = Math.max(0, at - 8);
  const slice = b.subarray(from, Math.min(b.length, at + 8));
  const hex = [...slice].map((x, i) =>
    from + i === at ? `[${x.toString(16).padStart(2, '0')}]` : x.toString(16).padStart(2, '0'),
  );
  return `${hex.join(' ')}  |${printableColumn(slice)}|${at >= b.length ? ' [end]' : ''}`;
}

/**
 * Byte-exact comparison. `segments` are the recorded lengths of the expected stream's segments (after
 * `base` bytes of head) so the first differing byte is located as "segment N +offset".
 */
export function compareBytes(
  label: string,
  expected: Buffer,
  actual: Buffer,
  locate?: (offset: number) => string,
): Difference | undefined {
  const n = Math.min(expected.length, actual.length);
  let at = 0;
  while (at < n && expected[at] === actual[at]) at++;
  if (at === n && expected.length === actual.length) return undefined;
  const where = `${label} byte 0x${at.toString(16)}${locate ? ` (${locate(at)})` : ''}${
    expected.length !== actual.length ? `; length ${expected.length} expected, ${actual.length} produced` : ''
  }`;
  return { where, expected: hexWindow(expected, at), actual: hexWindow(actual, at), offset: at };
}

export function compareEvents(
  expected: readonly ExpectedEvent[],
  actual: readonly ExpectedEvent[],
): Difference[] {
  const diffs: Difference[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const e = expected[i] ? formatEvent(expected[i]!) : '(none)';
    const a = actual[i] ? formatEvent(actual[i]!) : '(none)';
    if (e !== a) diffs.push({ where: `event #${i + 1}`, expected: e, actual: a });
  }
  return diffs;
}

export function formatDifferences(diffs: readonly Difference[]): string {
  return diffs
    .map((d) => `  at ${d.where}\n    expected: ${d.expected}\n    produced: ${d.actual}`)
    .join('\n');
}
