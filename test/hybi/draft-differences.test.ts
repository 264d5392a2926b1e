// What differs between hybi-07, hybi-08..12 and RFC 6455 (drafts.md §5): lengths, close codes, UTF-8, origin.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/faults.js';
import { requestOrigin as readOrigin } from '../../src/core/headers.js';
import { replayRng } from '../../src/core/rng.js';
import type { Draft } from '../../src/core/types.js';
import { hybi07 } from '../../src/hybi07/index.js';
import { hybi10 } from '../../src/hybi10/index.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { codecFor, onlyFail, plain, rawFrame } from './helpers.js';

const KEY = [1, 2, 3, 4];
const closeFrame = (code: number) =>
  rawFrame({ opcode: 8, payload: Buffer.from([code >> 8, code & 0xff]), mask: KEY });

function acceptsClose(draft: Draft, code: number): boolean {
  const events = codecFor(draft, 'server').push(closeFrame(code));
  return events.some((e) => e.type === 'close' && e.code === code);
}

function maySend(draft: Draft, code: number): boolean {
  try {
    codecFor(draft, 'server').encode({ type: 'close', code });
    return true;
  } catch (err) {
    if (err instanceof UsageError && err.code === 'INVALID_CLOSE_CODE') return false;
    throw err;
  }
}

describe('wire versions', () => {
  it('13, 8 and 7', () => {
    expect([rfc6455.version, hybi10.version, hybi07.version]).toEqual([13, 8, 7]);
    expect([rfc6455.id, hybi10.id, hybi07.id]).toEqual(['rfc6455', 'hybi-10', 'hybi-07']);
  });
});

describe('non-minimal length encodings', () => {
  // Fresh buffers for every push: the codec unmasks in place.
  const sixteen = () => rawFrame({ opcode: 1, payload: 'short', lengthForm: 16, mask: KEY });
  const sixtyFour = () => rawFrame({ opcode: 1, payload: 'short', lengthForm: 64, mask: KEY });

  it('RFC 6455 rejects them with NON_MINIMAL_LENGTH 1002 (§5.2)', () => {
    expect(onlyFail(codecFor(rfc6455, 'server').push(sixteen()))).toEqual({
      fault: 'NON_MINIMAL_LENGTH',
      closeCode: 1002,
    });
    expect(onlyFail(codecFor(rfc6455, 'server').push(sixtyFour()))).toEqual({
      fault: 'NON_MINIMAL_LENGTH',
      closeCode: 1002,
    });
  });

  for (const draft of [hybi10, hybi07]) {
    it(`${draft.id} accepts them`, () => {
      const hexShort = Buffer.from('short').toString('hex');
      expect(plain(codecFor(draft, 'server').push(sixteen()))).toEqual([{ type: 'text', hex: hexShort }]);
      expect(plain(codecFor(draft, 'server').push(sixtyFour()))).toEqual([{ type: 'text', hex: hexShort }]);
    });
  }
});

describe('close-code sets', () => {
  const codes = [1000, 1001, 1002, 1003, 1004, 1007, 1008, 1009, 1010, 1011, 1012, 3000, 4999];
  const table = (draft: Draft) => codes.filter((c) => acceptsClose(draft, c));

  it('RFC 6455: 1000-1003, 1007-1011, 3000-4999 (§7.4) and the IANA 1012-1014', () => {
    expect(table(rfc6455)).toEqual([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 3000, 4999]);
  });
  it('hybi-08..12: 1000-1004, 1007, 3000-4999', () => {
    expect(table(hybi10)).toEqual([1000, 1001, 1002, 1003, 1004, 1007, 3000, 4999]);
  });
  it('hybi-07: 1000-1004, 3000-4999', () => {
    expect(table(hybi07)).toEqual([1000, 1001, 1002, 1003, 1004, 3000, 4999]);
  });
  it('the same sets govern what encode() may send', () => {
    for (const draft of [rfc6455, hybi10, hybi07])
      expect(codes.filter((c) => maySend(draft, c))).toEqual(table(draft));
  });
  it('a code outside the set is a 1002 fault on every draft', () => {
    for (const draft of [rfc6455, hybi10, hybi07]) {
      const code = draft === rfc6455 ? 1004 : 1008;
      expect(onlyFail(codecFor(draft, 'server').push(closeFrame(code)))).toEqual({
        fault: 'INVALID_CLOSE_CODE',
        closeCode: 1002,
      });
    }
  });
});

describe('invalid UTF-8', () => {
  const bad = () => rawFrame({ opcode: 1, payload: Buffer.from([0xff]), mask: KEY });
  it('RFC 6455 and hybi-08..12 close with 1007', () => {
    for (const draft of [rfc6455, hybi10]) {
      const events = codecFor(draft, 'server').push(bad());
      expect(plain(events)).toEqual([
        { type: 'send', hex: '880203ef' },
        { type: 'fail', fault: 'INVALID_UTF8', closeCode: 1007 },
      ]);
    }
  });
  it('hybi-07 has no 1007 and closes with 1002', () => {
    expect(plain(codecFor(hybi07, 'server').push(bad()))).toEqual([
      { type: 'send', hex: '880203ea' },
      { type: 'fail', fault: 'INVALID_UTF8', closeCode: 1002 },
    ]);
  });
});

describe('origin header', () => {
  const request = (draft: Draft) =>
    draft
      .buildRequest({
        url: new URL('ws://h/'),
        protocols: [],
        origin: 'http://o.example',
        rng: replayRng(Buffer.alloc(16)),
      })
      .bytes.toString('latin1');

  it('RFC 6455 clients send Origin', () => {
    expect(request(rfc6455)).toContain('\r\nOrigin: http://o.example\r\n');
    expect(request(rfc6455)).not.toContain('Sec-WebSocket-Origin');
  });
  it('hybi-07 and hybi-08..12 clients send Sec-WebSocket-Origin', () => {
    for (const draft of [hybi10, hybi07]) {
      expect(request(draft)).toContain('\r\nSec-WebSocket-Origin: http://o.example\r\n');
      expect(request(draft)).not.toMatch(/\r\nOrigin:/);
    }
  });
  it('servers read Origin first, then Sec-WebSocket-Origin', () => {
    expect(
      readOrigin([
        ['sec-websocket-origin', 'b'],
        ['origin', 'a'],
      ]),
    ).toBe('a');
    expect(readOrigin([['Sec-WebSocket-Origin', 'b']])).toBe('b');
    expect(readOrigin([['Host', 'h']])).toBeUndefined();
  });
});
