// The hixie codecs against drafts.md §10.2 frame vectors: whole, byte by byte and at random splits,
// both roles, both drafts; closing handshake; limits on endless frames and huge lengths.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CodecEvent, Draft } from '../../src/core/types.js';
import { hixie75 } from '../../src/hixie75/index.js';
import { hixie76 } from '../../src/hixie76/index.js';
import { runs } from '../support/fc-runs.js';
import { describeEvents, feedBytewise, feedSplit, feedWhole, hex, makeCodec, ROLES } from './helpers.js';

const DRAFTS: readonly Draft[] = [hixie75, hixie76];

interface Vector {
  readonly name: string;
  readonly bytes: Buffer;
  readonly events: unknown[];
}

/** drafts.md §10.2: the frames both drafts read the same way. */
const SHARED: readonly Vector[] = [
  { name: 'Hello', bytes: hex('00 48656c6c6f ff'), events: [{ text: 'Hello' }] },
  {
    name: 'two frames in one chunk',
    bytes: hex('00 48656c6c6f ff 00 48656c6c6f ff'),
    events: [{ text: 'Hello' }, { text: 'Hello' }],
  },
  {
    name: 'length-prefixed frame skipped',
    bytes: hex('80 02 4865 00 48656c6c6f ff'),
    events: [{ text: 'Hello' }],
  },
  {
    name: 'multi-byte length skipped',
    bytes: Buffer.concat([hex('80 81 01'), Buffer.alloc(129, 0xff), hex('00 4869 ff')]),
    events: [{ text: 'Hi' }],
  },
  {
    name: 'Apple logo (U+F8FF)',
    bytes: hex('00 4170706c65203d20 efa3bf ff'),
    events: [{ text: 'Apple = \uf8ff' }],
  },
  { name: 'NUL inside text', bytes: hex('00 0a 00 ff'), events: [{ text: '\n\0' }] },
  { name: 'empty text frame', bytes: hex('00 ff'), events: [{ text: '' }] },
  {
    name: 'non-zero sentinel type discarded (drafts.md §1: spec, not websocket-driver)',
    bytes: hex('66 48656c6c6f ff 00 4869 ff'),
    events: [{ text: 'Hi' }],
  },
  { name: 'invalid UTF-8 replaced', bytes: hex('00 c328 ff'), events: [{ text: '\ufffd(' }] },
  {
    name: 'surrogate bytes replaced one by one',
    bytes: hex('00 eda080 ff'),
    events: [{ text: '\ufffd\ufffd\ufffd' }],
  },
  {
    name: 'huge length (em-websocket)',
    bytes: hex('ff ff ff ff ff ff ff ff ff ff 00'),
    events: [{ fail: 'LENGTH_OVERFLOW' }],
  },
  {
    name: 'endless zero-valued length bytes',
    bytes: Buffer.concat([hex('80'), Buffer.alloc(40, 0x80)]),
    events: [{ fail: 'LENGTH_OVERFLOW' }],
  },
  {
    name: 'data after a fault is ignored',
    bytes: Buffer.concat([hex('ff ff ff ff ff ff ff ff ff ff 00'), hex('00 4869 ff')]),
    events: [{ fail: 'LENGTH_OVERFLOW' }],
  },
];

const ONLY_76: readonly Vector[] = [
  {
    name: 'FF 00 closes and is echoed',
    bytes: hex('ff 00'),
    events: [{ send: 'ff00' }, { close: 1005, reason: '' }],
  },
  {
    name: 'data after the close is ignored',
    bytes: hex('00 4869 ff ff 00 00 4869 ff'),
    events: [{ text: 'Hi' }, { send: 'ff00' }, { close: 1005, reason: '' }],
  },
  {
    name: 'FF 80 00 is a close too (base-128 zero)',
    bytes: hex('ff 80 00'),
    events: [{ send: 'ff00' }, { close: 1005, reason: '' }],
  },
  { name: '80 00 is not a close', bytes: hex('80 00 00 4869 ff'), events: [{ text: 'Hi' }] },
];

const ONLY_75: readonly Vector[] = [
  { name: 'FF 00 is a discarded empty frame', bytes: hex('ff 00 00 4869 ff'), events: [{ text: 'Hi' }] },
];

function vectorsFor(draft: Draft): readonly Vector[] {
  return [...SHARED, ...(draft === hixie76 ? ONLY_76 : ONLY_75)];
}

describe.each(DRAFTS)('$id frame vectors', (draft) => {
  describe.each(ROLES)('%s', (role) => {
    it.each(vectorsFor(draft))('$name: whole', ({ bytes, events }) => {
      expect(describeEvents(feedWhole(makeCodec(draft, role), bytes))).toEqual(events);
    });

    it.each(vectorsFor(draft))('$name: byte by byte', ({ bytes, events }) => {
      expect(describeEvents(feedBytewise(makeCodec(draft, role), bytes))).toEqual(events);
    });

    it.each(vectorsFor(draft))('$name: random splits', ({ bytes, events }) => {
      fc.assert(
        fc.property(fc.array(fc.nat(bytes.length), { maxLength: 8 }), (cuts) => {
          const got = describeEvents(feedSplit(makeCodec(draft, role), bytes, cuts));
          expect(got).toEqual(events);
        }),
        { numRuns: runs(100) },
      );
    });
  });
});

describe.each(DRAFTS)('$id limits', (draft) => {
  const LIMIT = 100;
  const text = (n: number): Buffer => Buffer.concat([hex('00'), Buffer.alloc(n, 0x61), hex('ff')]);

  it('a text frame of exactly maxPayload bytes is delivered', () => {
    const events = makeCodec(draft, 'server', LIMIT).push(text(LIMIT));
    expect(events).toEqual([{ type: 'text', data: Buffer.alloc(LIMIT, 0x61) }]);
  });

  it('a text frame one byte over maxPayload fails FRAME_TOO_BIG', () => {
    const [event, ...rest] = makeCodec(draft, 'server', LIMIT).push(text(LIMIT + 1));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ type: 'fail', fault: 'FRAME_TOO_BIG', closeCode: 1009 });
  });

  it('an endless text frame is failed without holding more than maxPayload', () => {
    const codec = makeCodec(draft, 'client', LIMIT);
    const events: CodecEvent[] = [...codec.push(hex('00'))];
    for (let i = 0; i < 50 && codec.state === 'open'; i++) {
      events.push(...codec.push(Buffer.alloc(7, 0x62)));
      expect(codec.bufferedBytes).toBeLessThanOrEqual(LIMIT);
    }
    expect(describeEvents(events)).toEqual([{ fail: 'FRAME_TOO_BIG' }]);
    expect(codec.state).toBe('closed');
    expect(codec.bufferedBytes).toBe(0);
  });

  it('an endless discarded sentinel frame is failed too', () => {
    const codec = makeCodec(draft, 'server', LIMIT);
    const events = [...codec.push(hex('01')), ...codec.push(Buffer.alloc(LIMIT + 1, 0x62))];
    expect(describeEvents(events)).toEqual([{ fail: 'FRAME_TOO_BIG' }]);
    expect(codec.bufferedBytes).toBe(0);
  });

  it('a length-prefixed frame over maxPayload fails FRAME_TOO_BIG before its payload', () => {
    // 0x81 0x00 = 128 > 100.
    expect(describeEvents(makeCodec(draft, 'server', LIMIT).push(hex('80 81 00')))).toEqual([
      { fail: 'FRAME_TOO_BIG' },
    ]);
    expect(describeEvents(makeCodec(draft, 'server', LIMIT).push(hex('80 64')))).toEqual([]);
  });

  it('end() inside a frame reports TRUNCATED_FRAME once', () => {
    const codec = makeCodec(draft, 'client');
    expect(codec.push(hex('00 4869'))).toEqual([]);
    expect(codec.bufferedBytes).toBe(2);
    expect(describeEvents(codec.end())).toEqual([{ fail: 'TRUNCATED_FRAME' }]);
    expect(codec.end()).toEqual([]);
    expect(codec.push(hex('ff'))).toEqual([]);
  });

  it('end() inside a length prefix or a skipped payload is truncation too', () => {
    for (const bytes of [hex('80 81'), hex('80 05 01 02')]) {
      const codec = makeCodec(draft, 'server');
      expect(codec.push(bytes)).toEqual([]);
      expect(describeEvents(codec.end())).toEqual([{ fail: 'TRUNCATED_FRAME' }]);
    }
  });
});
