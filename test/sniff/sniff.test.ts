// The version sniffer on real requests of every draft and on every rejection (drafts.md §6, §8; RFC 6455 §4.4).
import { describe, expect, it } from 'vitest';
import { parseRequestHead } from '../../src/core/http-head.js';
import type { DraftId, HeaderLine, RequestHead } from '../../src/core/types.js';
import { inspect } from '../../src/sniff/inspect.js';
import { type SniffResult, sniff, versionList } from '../../src/sniff/sniff.js';
import { CAPTURES } from './requests.js';

function parse(bytes: Buffer): { head: RequestHead; body: Buffer } {
  const r = parseRequestHead(bytes);
  if (r.kind !== 'head') throw new Error(`capture does not parse: ${JSON.stringify(r)}`);
  return { head: r.head, body: bytes.subarray(r.consumed) };
}

const ws13: HeaderLine[] = [
  ['Host', 'example.com'],
  ['Upgrade', 'websocket'],
  ['Connection', 'Upgrade'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ['Origin', 'http://example.com'],
];
const head = (headers: HeaderLine[], method = 'GET', httpVersion = '1.1'): RequestHead => ({
  method,
  target: '/chat',
  httpVersion,
  headers,
});
const ALL_LIST: HeaderLine = ['Sec-WebSocket-Version', '13, 8, 7'];
const UPGRADE_426: HeaderLine[] = [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ALL_LIST];

function rejection(r: SniffResult) {
  if (r.kind !== 'reject') throw new Error(`expected a rejection, got ${JSON.stringify(r)}`);
  return { status: r.rejection.status, headers: r.rejection.headers, draft: r.draft };
}

describe('sniff: real requests', () => {
  for (const c of CAPTURES) {
    it(`${c.name} -> ${c.draft}`, () => {
      const { head: h, body } = parse(c.bytes);
      const r = sniff(h);
      expect(r).toMatchObject({ kind: 'websocket', draft: c.draft });
      expect(r.evidence.length).toBeGreaterThan(0);
      const problems = inspect(h, body).problems;
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    });
  }

  it('names the deciding header in the evidence', () => {
    const v8 = CAPTURES.find((c) => c.draft === 'hybi-10')!;
    expect(sniff(parse(v8.bytes).head).evidence).toContain('Sec-WebSocket-Version: 8');
    const h76 = CAPTURES.find((c) => c.draft === 'hixie-76')!;
    expect(sniff(parse(h76.bytes).head).evidence).toEqual(
      expect.arrayContaining(['Sec-WebSocket-Key1 present', 'Sec-WebSocket-Key2 present']),
    );
  });

  it('reads version 13 with surrounding whitespace as RFC 6455', () => {
    expect(sniff(head([...ws13, ['Sec-WebSocket-Version', ' 13\t']]))).toMatchObject({ draft: 'rfc6455' });
  });
});

describe('sniff: not WebSocket', () => {
  it('a plain GET is plain HTTP', () => {
    expect(sniff(head([['Host', 'a']])).kind).toBe('not-websocket');
  });
  it('Upgrade: h2c is plain HTTP, even with WebSocket headers', () => {
    const r = sniff(head([['Upgrade', 'h2c'], ...ws13.filter(([n]) => n !== 'Upgrade')]));
    expect(r).toEqual({ kind: 'not-websocket', evidence: ['Upgrade: h2c'] });
  });
  it('Upgrade listing websocket among others is WebSocket', () => {
    const r = sniff(
      head([
        ...ws13.filter(([n]) => n !== 'Upgrade'),
        ['Upgrade', 'foo/2, WebSocket'],
        ['Sec-WebSocket-Version', '13'],
      ]),
    );
    expect(r).toMatchObject({ kind: 'websocket', draft: 'rfc6455' });
  });
});

describe('sniff: rejections, exact status and headers', () => {
  const v = (value: string): HeaderLine[] => [...ws13, ['Sec-WebSocket-Version', value]];
  const cases: ReadonlyArray<readonly [string, RequestHead, number, HeaderLine[], DraftId | undefined]> = [
    ['POST upgrade', head(v('13'), 'POST'), 400, [], undefined],
    ['lower-case get', head(v('13'), 'get'), 400, [], undefined],
    ['HTTP/1.0', head(v('13'), 'GET', '1.0'), 400, [], undefined],
    [
      'Connection: keep-alive',
      head([...v('13').filter(([n]) => n !== 'Connection'), ['Connection', 'keep-alive']]),
      400,
      [],
      undefined,
    ],
    ['no Connection', head(v('13').filter(([n]) => n !== 'Connection')), 400, [], undefined],
    ['duplicate version', head([...v('13'), ['Sec-WebSocket-Version', '13']]), 400, [ALL_LIST], undefined],
    [
      'duplicate key',
      head([...v('13'), ['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ==']]),
      400,
      [],
      undefined,
    ],
    ['version 4 (hybi-04)', head(v('4')), 426, UPGRADE_426, undefined],
    ['version 5 (hybi-05)', head(v('5')), 426, UPGRADE_426, undefined],
    ['version 6 (hybi-06)', head(v('6')), 426, UPGRADE_426, undefined],
    ['version 0', head(v('0')), 426, UPGRADE_426, undefined],
    ['version 9 (reserved)', head(v('9')), 426, UPGRADE_426, undefined],
    ['version 14', head(v('14')), 426, UPGRADE_426, undefined],
    ['version 2^70', head(v('1180591620717411303424')), 426, UPGRADE_426, undefined],
    ['version abc', head(v('abc')), 400, [ALL_LIST], undefined],
    ['version list 13, 8', head(v('13, 8')), 400, [ALL_LIST], undefined],
    ['version 013', head(v('013')), 400, [ALL_LIST], undefined],
    ['version empty', head(v('')), 400, [ALL_LIST], undefined],
    ['version -13', head(v('-13')), 400, [ALL_LIST], undefined],
    ['key without version', head(ws13), 400, [ALL_LIST], undefined],
  ];
  for (const [name, h, status, headers, draft] of cases) {
    it(`${name} -> ${status}`, () => {
      expect(rejection(sniff(h))).toEqual({ status, headers, draft });
    });
  }

  const hixie: HeaderLine[] = [
    ['Host', 'example.com'],
    ['Connection', 'Upgrade'],
    ['Upgrade', 'WebSocket'],
    ['Origin', 'http://example.com'],
  ];
  const key1: HeaderLine = ['Sec-WebSocket-Key1', '4 @1  46546xW%0l 1 5'];
  const key2: HeaderLine = ['Sec-WebSocket-Key2', '12998 5 Y3 1  .P00'];
  for (const d of ['1', '2', '3']) {
    it(`Sec-WebSocket-Draft: ${d} (hybi-0${d}) -> plain 400`, () => {
      expect(rejection(sniff(head([...hixie, key1, key2, ['Sec-WebSocket-Draft', d]])))).toEqual({
        status: 400,
        headers: [],
        draft: undefined,
      });
    });
  }
  it('Sec-WebSocket-Draft: 0 is hixie-76 (hybi-00)', () => {
    expect(sniff(head([...hixie, key1, key2, ['Sec-WebSocket-Draft', '0']]))).toMatchObject({
      draft: 'hixie-76',
    });
  });
  it('Sec-WebSocket-Draft: 76 is unknown -> plain 400', () => {
    expect(rejection(sniff(head([...hixie, key1, key2, ['Sec-WebSocket-Draft', '76']])))).toEqual({
      status: 400,
      headers: [],
      draft: undefined,
    });
  });
  it('Key1 without Key2, and Key2 without Key1 -> 400, hixie-76', () => {
    for (const k of [key1, key2])
      expect(rejection(sniff(head([...hixie, k])))).toEqual({ status: 400, headers: [], draft: 'hixie-76' });
  });
  it('duplicate Key1 -> 400', () => {
    expect(rejection(sniff(head([...hixie, key1, key1, key2])))).toEqual({
      status: 400,
      headers: [],
      draft: 'hixie-76',
    });
  });
  it('no markers at all is hixie-75', () => {
    expect(sniff(head(hixie))).toMatchObject({ kind: 'websocket', draft: 'hixie-75' });
  });
});

describe('sniff: the drafts option', () => {
  const v = (value: string): RequestHead => head([...ws13, ['Sec-WebSocket-Version', value]]);
  const hixie76 = head([
    ['Host', 'h'],
    ['Connection', 'Upgrade'],
    ['Upgrade', 'WebSocket'],
    ['Sec-WebSocket-Key1', '4 @1  46546xW%0l 1 5'],
    ['Sec-WebSocket-Key2', '12998 5 Y3 1  .P00'],
  ]);
  const hixie75 = head([
    ['Host', 'h'],
    ['Connection', 'Upgrade'],
    ['Upgrade', 'WebSocket'],
  ]);

  it('builds the version list newest first from whatever order it is given', () => {
    expect(versionList(['hybi-07', 'hixie-76', 'rfc6455'])).toBe('13, 7');
    expect(versionList(['hybi-10'])).toBe('8');
    expect(versionList(['hixie-75', 'hixie-76'])).toBe('');
  });
  it('a disabled hybi draft gets 426 with only the enabled versions', () => {
    expect(rejection(sniff(v('8'), { drafts: ['rfc6455', 'hixie-76'] }))).toEqual({
      status: 426,
      headers: [
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
        ['Sec-WebSocket-Version', '13'],
      ],
      draft: 'hybi-10',
    });
  });
  it('with no hybi draft enabled, a hybi request gets a plain 400 and never an empty version header', () => {
    for (const value of ['13', '8', '7', '5', 'x'])
      expect(rejection(sniff(v(value), { drafts: ['hixie-75', 'hixie-76'] }))).toMatchObject({
        status: 400,
        headers: [],
      });
    expect(rejection(sniff(head(ws13), { drafts: ['hixie-76'] }))).toMatchObject({
      status: 400,
      headers: [],
    });
  });
  it('disabled hixie drafts get a plain 400 naming the draft', () => {
    expect(rejection(sniff(hixie76, { drafts: ['rfc6455'] }))).toEqual({
      status: 400,
      headers: [],
      draft: 'hixie-76',
    });
    expect(rejection(sniff(hixie75, { drafts: ['rfc6455', 'hixie-76'] }))).toEqual({
      status: 400,
      headers: [],
      draft: 'hixie-75',
    });
  });
  it('enabled drafts pass', () => {
    expect(sniff(v('7'), { drafts: ['hybi-07'] })).toMatchObject({ kind: 'websocket', draft: 'hybi-07' });
    expect(sniff(hixie75, { drafts: ['hixie-75'] })).toMatchObject({ kind: 'websocket', draft: 'hixie-75' });
  });
});
