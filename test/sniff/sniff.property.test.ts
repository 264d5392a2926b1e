// Properties of the sniffer: total, deterministic, case-blind, and right on generated handshakes of every draft.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestHead } from '../../src/core/http-head.js';
import { ALL_DRAFTS, type DraftId, type HeaderLine, type RequestHead } from '../../src/core/types.js';
import { checkHixieKey } from '../../src/family/hixie/key-number.js';
import { inspect } from '../../src/sniff/inspect.js';
import { type SniffResult, sniff } from '../../src/sniff/sniff.js';
import { runs } from '../support/fc-runs.js';
import { anyValidRequest, hixieKey } from './generators.js';

const NAMES = [
  'Upgrade',
  'Connection',
  'Host',
  'Origin',
  'Sec-WebSocket-Version',
  'Sec-WebSocket-Key',
  'Sec-WebSocket-Key1',
  'Sec-WebSocket-Key2',
  'Sec-WebSocket-Draft',
  'Sec-WebSocket-Protocol',
];
const VALUES = [
  'websocket',
  'WebSocket',
  'Upgrade',
  'keep-alive, upgrade',
  '13',
  '8',
  '7',
  '5',
  '13, 8',
  '',
  '0',
];

const headerName = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.constantFrom(...NAMES).map((n) => n.toUpperCase()),
  fc.string({ maxLength: 20 }),
);
const headerValue = fc.oneof(
  fc.constantFrom(...VALUES),
  hixieKey,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const arbitraryHead: fc.Arbitrary<RequestHead> = fc.record({
  method: fc.oneof(fc.constantFrom('GET', 'POST', 'get'), fc.string({ maxLength: 8 })),
  target: fc.string({ maxLength: 20 }),
  httpVersion: fc.oneof(fc.constantFrom('1.1', '1.0', '2.0'), fc.string({ maxLength: 5 })),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 12 }),
});
const draftSubset = fc.option(fc.subarray([...ALL_DRAFTS]), { nil: undefined });

function checkShape(r: SniffResult, drafts: readonly DraftId[]): void {
  expect(['websocket', 'reject', 'not-websocket']).toContain(r.kind);
  expect(r.evidence.length).toBeGreaterThan(0);
  for (const e of r.evidence) expect(typeof e).toBe('string');
  if (r.kind === 'websocket') expect(drafts).toContain(r.draft);
  if (r.kind === 'reject') {
    expect([400, 426]).toContain(r.rejection.status);
    // Never an empty header value (brief; old clients choke on `Name: `).
    for (const [, v] of r.rejection.headers) expect(v).not.toBe('');
    // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
    if (r.rejection.status === 426) expect(r.rejection.headers).toContainEqual(['Upgrade', 'websocket']);
  }
}

describe('sniff properties', () => {
  it('is total on arbitrary header maps and always gives one of the three kinds', () => {
    fc.assert(
      fc.property(arbitraryHead, draftSubset, (head, drafts) => {
        const r = sniff(head, drafts === undefined ? undefined : { drafts });
        checkShape(r, drafts ?? ALL_DRAFTS);
      }),
      { numRuns: runs(2000) },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(arbitraryHead, draftSubset, (head, drafts) => {
        const opts = drafts === undefined ? undefined : { drafts };
        expect(sniff(head, opts)).toEqual(sniff(structuredClone(head), opts));
      }),
      { numRuns: runs(1000) },
    );
  });

  it('does not care about the case of header names', () => {
    fc.assert(
      fc.property(arbitraryHead, fc.boolean(), (head, upper) => {
        const recased: HeaderLine[] = head.headers.map(([n, v]) => [
          upper ? n.toUpperCase() : n.toLowerCase(),
          v,
        ]);
        expect(sniff({ ...head, headers: recased })).toEqual(sniff(head));
      }),
      { numRuns: runs(1000) },
    );
  });

  it('inspect is total and every sniff rejection carries at least one error', () => {
    fc.assert(
      fc.property(arbitraryHead, fc.uint8Array({ maxLength: 12 }), draftSubset, (head, body, drafts) => {
        const result = inspect(head, body, drafts === undefined ? undefined : { drafts });
        if (result.sniff.kind !== 'websocket')
          expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
      }),
      { numRuns: runs(1000) },
    );
  });

  it('recognises generated valid handshakes of every draft, with no errors', () => {
    fc.assert(
      fc.property(anyValidRequest, ({ draft, bytes }) => {
        const parsed = parseRequestHead(bytes);
        if (parsed.kind !== 'head') throw new Error(`generated request does not parse: ${parsed.kind}`);
        const r = sniff(parsed.head);
        expect(r).toMatchObject({ kind: 'websocket', draft });
        const { problems } = inspect(parsed.head, bytes.subarray(parsed.consumed));
        expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
        // Only the drafts in the list are accepted: removing this one turns it into a rejection.
        const others = ALL_DRAFTS.filter((d) => d !== draft);
        expect(sniff(parsed.head, { drafts: others })).toMatchObject({ kind: 'reject', draft });
      }),
      { numRuns: runs(1500) },
    );
  });

  it('hixie-76 keys built by the client algorithm always pass the key check', () => {
    fc.assert(
      fc.property(hixieKey, (key) => {
        const report = checkHixieKey(key);
        expect(report.defects).toEqual([]);
        expect(report.part).toBeLessThanOrEqual(0xffffffffn);
      }),
      { numRuns: runs(2000) },
    );
  });
});
