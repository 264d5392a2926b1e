// inspect(): every problem of a request, by stable code (drafts.md §2, §5, §10.1; RFC 6455 §4.1, §4.2.1).
import { describe, expect, it } from 'vitest';
import type { HeaderLine, RequestHead } from '../../src/core/types.js';
import { checkHixieKey } from '../../src/family/hixie/key-number.js';
import { inspect, type ProblemCode } from '../../src/sniff/inspect.js';

const head = (headers: HeaderLine[], method = 'GET'): RequestHead => ({
  method,
  target: '/',
  httpVersion: '1.1',
  headers,
});
const codes = (h: RequestHead, body: Uint8Array = Buffer.alloc(0)) =>
  inspect(h, body).problems.map((p) => `${p.severity}:${p.code}`);

const HYBI: HeaderLine[] = [
  ['Host', 'h'],
  ['Upgrade', 'websocket'],
  ['Connection', 'Upgrade'],
  ['Origin', 'http://o'],
  ['Sec-WebSocket-Version', '13'],
];
const withKey = (key: string): RequestHead => head([...HYBI, ['Sec-WebSocket-Key', key]]);
const HIXIE: HeaderLine[] = [
  ['Host', 'h'],
  ['Upgrade', 'WebSocket'],
  ['Connection', 'Upgrade'],
  ['Origin', 'http://o'],
];
const KEY1: HeaderLine = ['Sec-WebSocket-Key1', '4 @1  46546xW%0l 1 5'];
const KEY2: HeaderLine = ['Sec-WebSocket-Key2', '12998 5 Y3 1  .P00'];
const KEY3 = Buffer.from('^n:ds[4U', 'latin1');

describe('hixie-76 key check (drafts.md §10.1)', () => {
  const good: ReadonlyArray<readonly [string, bigint]> = [
    ['4 @1  46546xW%0l 1 5', 829309203n],
    ['12998 5 Y3 1  .P00', 259970620n],
    ['18x 6]8vM;54 *(5:  {   U1]8  z [  8', 155712099n],
    ['1_ tx7X d  <  nw  334J702) 7]o}` 0', 173347027n],
    ['3e6b263  4 17 80', 906585445n],
    ['17  9 G`ZD9   2 2b 7X 3 /r90', 179922739n],
    ['1   38 wZ3f9 23O0 3l 0r', 197703290n],
    ['27   0E 6 2  1665:< ;U 1H', 300690739n],
    ["36 7   74 i  92 2'm 9 0G", 367749229n],
    ['y  R2 48 Q1O4  e|BV3 i5 1  u- 65', 225585015n],
    ['30  ;- 5=5 u 4 1  7336', 381927167n],
    [":2 8 G(  07A 93Ql 3 *20 Ox0G'w", 350991650n],
  ];
  for (const [key, part] of good)
    it(`${key} -> ${part}`, () => {
      expect(checkHixieKey(key)).toMatchObject({ part, defects: [] });
    });

  const bad: ReadonlyArray<readonly [string, string[]]> = [
    ['2 L785 8o% s9Sy9@V. 4<1P5', ['not-multiple']],
    ['12998 5 Y3 1.P00', ['not-multiple']],
    ['nospaces', ['no-digits', 'no-spaces']],
    ['17  9 G`ZD9   2 2b 7X 3 /r91', ['not-multiple']],
    ['3e6b263 4 17 80', ['not-multiple']],
    ['3e6b63 4 17 80', ['not-multiple']],
    ['3e6b6341780', ['no-spaces']],
    ['3e 6 b263  4 17 80', ['not-multiple']],
    ['4294967296 x', ['too-large']],
    ['only letters, spaces. and punctuation!', ['no-digits']],
    ['123456789012345678901 x y', ['not-multiple', 'too-large']],
    ['1\t2\t3', ['no-spaces']],
  ];
  for (const [key, defects] of bad)
    it(`${JSON.stringify(key)} -> ${defects.join(', ')}`, () => {
      expect(checkHixieKey(key)).toMatchObject({ part: undefined, defects });
    });
});

describe('inspect', () => {
  it('finds nothing wrong with the hixie-76 spec request', () => {
    expect(codes(head([...HIXIE, KEY1, KEY2]), KEY3)).toEqual([]);
  });

  it('collects every problem at once, not just the first', () => {
    const h = head([
      ['Upgrade', 'WebSocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Key1', '3e6b6341780'],
    ]);
    expect(codes(h, Buffer.from('abc'))).toEqual([
      'error:HOST_MISSING',
      'error:HIXIE_KEY_NO_SPACES',
      'error:HIXIE_KEY_MISSING',
      'error:KEY3_SHORT',
      'warning:ORIGIN_MISSING',
    ]);
  });

  it('hixie-76: key3 missing, and bytes beyond key3', () => {
    expect(codes(head([...HIXIE, KEY1, KEY2]))).toEqual(['error:KEY3_MISSING']);
    expect(codes(head([...HIXIE, KEY1, KEY2]), Buffer.concat([KEY3, Buffer.from([0, 0x41, 0xff])]))).toEqual([
      'warning:BODY_AFTER_KEY3',
    ]);
  });

  it('hixie-76 keys with every defect', () => {
    const h = head([
      ...HIXIE,
      ['Sec-WebSocket-Key1', '4294967296 x'],
      ['Sec-WebSocket-Key2', 'no digits here'],
    ]);
    expect(codes(h, KEY3)).toEqual(['error:HIXIE_KEY_TOO_LARGE', 'error:HIXIE_KEY_NO_DIGITS']);
  });

  const badKeys: ReadonlyArray<readonly [string, string]> = [
    ['AQIDBAUGBwgJCgsMDQ4PEC==', 'non-zero padding bits (pywebsocket test_handshake_hybi.py)'],
    ['YQ==', 'one byte'],
    ['dGhlIHNhbXBsZSBub25jZQ==garbage', 'trailing garbage'],
    ['dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==', 'comma-joined duplicate'],
    [Buffer.alloc(32, 7).toString('base64'), '32 bytes (ws #1571)'],
    ['not base64 at all!', 'not base64'],
  ];
  for (const [key, why] of badKeys)
    it(`Sec-WebSocket-Key ${why} -> KEY_INVALID`, () => {
      expect(codes(withKey(key))).toEqual(['error:KEY_INVALID']);
    });

  it('versions 7 and 8 accept any base64 key (npm ws 0.4-0.8 send 15 bytes): a warning there, an error on 13', () => {
    const key = Buffer.from(`8-${1_700_000_000_000}`).toString('base64');
    const on = (version: string) =>
      codes(
        head([
          ...HYBI.filter(([n]) => n !== 'Sec-WebSocket-Version'),
          ['Sec-WebSocket-Version', version],
          ['Sec-WebSocket-Key', key],
        ]),
      );
    expect(on('8')).toEqual(['warning:KEY_INVALID']);
    expect(on('7')).toEqual(['warning:KEY_INVALID']);
    expect(on('13')).toEqual(['error:KEY_INVALID']);
    expect(
      codes(
        head([...HYBI.slice(0, 4), ['Sec-WebSocket-Version', '8'], ['Sec-WebSocket-Key', 'not base64!']]),
      ),
    ).toEqual(['error:KEY_INVALID']);
  });

  it('hybi: missing key, duplicate version, mixed markers', () => {
    expect(codes(head(HYBI))).toEqual(['error:KEY_MISSING']);
    expect(
      codes(
        head([...HYBI, ['Sec-WebSocket-Version', '13'], ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==']]),
      ),
    ).toEqual(['error:DUPLICATE_VERSION']);
    expect(codes(head([...HYBI, ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='], KEY1]))).toEqual([
      'warning:MIXED_MARKERS',
    ]);
  });

  it('hybi: body bytes are an error, a stray newline only a warning', () => {
    const h = withKey('dGhlIHNhbXBsZSBub25jZQ==');
    expect(codes(h, Buffer.from([0x81, 0x80, 1, 2, 3, 4]))).toEqual(['error:BODY_NOT_ALLOWED']);
    expect(codes(h, Buffer.from('\r\n'))).toEqual(['warning:TRAILING_LINE_ENDS']);
  });

  it('hixie-75: a body is an error (em-websocket "Extra bytes after header")', () => {
    expect(codes(head(HIXIE), Buffer.from('x'))).toEqual(['error:BODY_NOT_ALLOWED']);
  });

  it('subprotocols must be unique tokens', () => {
    const h = head([
      ...HYBI,
      ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ['Sec-WebSocket-Protocol', 'chat, ch@t, chat'],
    ]);
    expect(codes(h)).toEqual(['error:PROTOCOL_INVALID', 'error:PROTOCOL_INVALID']);
  });

  it('origin: legacy header on v13, none at all on v8, fine on v7 with Sec-WebSocket-Origin', () => {
    const key: HeaderLine = ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='];
    const noOrigin = HYBI.filter(([n]) => n !== 'Origin' && n !== 'Sec-WebSocket-Version');
    expect(
      codes(head([...noOrigin, key, ['Sec-WebSocket-Version', '13'], ['Sec-WebSocket-Origin', 'o']])),
    ).toEqual(['warning:LEGACY_ORIGIN']);
    expect(codes(head([...noOrigin, key, ['Sec-WebSocket-Version', '8']]))).toEqual([
      'warning:ORIGIN_MISSING',
    ]);
    expect(
      codes(head([...noOrigin, key, ['Sec-WebSocket-Version', '7'], ['Sec-WebSocket-Origin', 'o']])),
    ).toEqual([]);
  });

  it('request line and Host problems', () => {
    const h = head([...HYBI, ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='], ['Host', 'again']], 'PUT');
    expect(codes(h)).toEqual(['error:METHOD_NOT_GET', 'error:DUPLICATE_HOST']);
  });

  it('unsupported versions and drafts are errors, disabled drafts say so', () => {
    const key: HeaderLine = ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='];
    const at = (v: string) =>
      head([...HYBI.filter(([n]) => n !== 'Sec-WebSocket-Version'), key, ['Sec-WebSocket-Version', v]]);
    const expectCode = (c: ProblemCode, h: RequestHead, drafts?: Parameters<typeof inspect>[2]) =>
      expect(inspect(h, Buffer.alloc(0), drafts).problems.map((p) => p.code)).toContain(c);
    expectCode('VERSION_UNSUPPORTED', at('5'));
    expectCode('VERSION_MALFORMED', at('13, 8'));
    expectCode('KEY_WITHOUT_VERSION', head([...HYBI.filter(([n]) => n !== 'Sec-WebSocket-Version'), key]));
    expectCode('DRAFT_HEADER_UNSUPPORTED', head([...HIXIE, KEY1, KEY2, ['Sec-WebSocket-Draft', '2']]));
    expectCode('DRAFT_DISABLED', at('8'), { drafts: ['rfc6455'] });
  });

  it('plain HTTP is one NOT_WEBSOCKET error', () => {
    expect(
      codes(
        head([
          ['Host', 'h'],
          ['Sec-WebSocket-Key', 'x'],
        ]),
      ),
    ).toEqual(['error:NOT_WEBSOCKET']);
  });
});
