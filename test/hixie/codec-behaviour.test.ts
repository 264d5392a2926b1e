// Hixie codec encoding, misuse errors, closing handshakes in both directions, and fast-check
// properties: arbitrary bytes never throw, split-independence, decode(encode(m)) = m.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/faults.js';
import type { Codec, CodecEvent, Draft, OutboundMessage } from '../../src/core/types.js';
import { hixie75 } from '../../src/hixie75/index.js';
import { hixie76 } from '../../src/hixie76/index.js';
import { runs } from '../support/fc-runs.js';
import { describeEvents, feedSplit, hex, makeCodec, ROLES } from './helpers.js';

const DRAFTS: readonly Draft[] = [hixie75, hixie76];

function usageCode(codec: Codec, message: OutboundMessage): string {
  try {
    codec.encode(message);
  } catch (err) {
    if (err instanceof UsageError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('caps', () => {
  it('hixie drafts carry text only; only -76 has a closing handshake', () => {
    const common = {
      binary: false,
      ping: false,
      closeCodes: false,
      fragmentation: false,
      extensions: false,
      compression: false,
    };
    expect(hixie75.caps).toEqual({ ...common, closingHandshake: false });
    expect(hixie76.caps).toEqual({ ...common, closingHandshake: true });
    expect([hixie75.id, hixie76.id, hixie75.version, hixie76.version]).toEqual([
      'hixie-75',
      'hixie-76',
      undefined,
      undefined,
    ]);
  });
});

describe.each(DRAFTS)('$id encode', (draft) => {
  it('text is 00 <utf-8> FF, from a string or from bytes', () => {
    const codec = makeCodec(draft, 'server');
    expect(codec.encode({ type: 'text', data: 'Hello' })).toEqual(hex('00 48656c6c6f ff'));
    expect(codec.encode({ type: 'text', data: '\uf8ff' })).toEqual(hex('00 efa3bf ff'));
    expect(codec.encode({ type: 'text', data: new Uint8Array([0x48, 0x69]) })).toEqual(hex('00 4869 ff'));
    expect(codec.encode({ type: 'text', data: '' })).toEqual(hex('00 ff'));
  });

  it('refuses what hixie cannot carry with stable codes', () => {
    const codec = makeCodec(draft, 'client');
    expect(usageCode(codec, { type: 'binary', data: new Uint8Array([1]) })).toBe('BINARY_UNSUPPORTED');
    expect(usageCode(codec, { type: 'ping' })).toBe('PING_UNSUPPORTED');
    expect(usageCode(codec, { type: 'pong', data: new Uint8Array([1]) })).toBe('PING_UNSUPPORTED');
    expect(usageCode(codec, { type: 'text', data: new Uint8Array([0x61, 0xff]) })).toBe('INVALID_UTF8');
    expect(usageCode(codec, { type: 'text', data: new Uint8Array([0xc3]) })).toBe('INVALID_UTF8');
    expect(codec.state).toBe('open');
  });

  it('nothing can be sent after close', () => {
    const codec = makeCodec(draft, 'server');
    codec.encode({ type: 'close', code: 1000, reason: 'ignored' });
    expect(usageCode(codec, { type: 'text', data: 'x' })).toBe('NOT_OPEN');
    expect(usageCode(codec, { type: 'close' })).toBe('NOT_OPEN');
  });
});

describe('hixie-75 closing', () => {
  it('close writes nothing and closes at once: closing TCP is the close', () => {
    const codec = makeCodec(hixie75, 'client');
    expect(codec.encode({ type: 'close' })).toEqual(Buffer.alloc(0));
    expect(codec.state).toBe('closed');
  });

  it('the peer ending TCP between frames is a clean close (1005)', () => {
    const codec = makeCodec(hixie75, 'server');
    expect(describeEvents(codec.push(hex('00 4869 ff')))).toEqual([{ text: 'Hi' }]);
    expect(describeEvents(codec.end())).toEqual([{ close: 1005, reason: '' }]);
    expect(codec.state).toBe('closed');
  });
});

describe.each(ROLES)('hixie-76 closing handshake, %s initiates', (role) => {
  it('FF 00 goes out, the peer echoes it, both end closed', () => {
    const us = makeCodec(hixie76, role);
    const peer = makeCodec(hixie76, role === 'server' ? 'client' : 'server');
    const ours = us.encode({ type: 'close', code: 4000, reason: 'not on the wire' });
    expect(ours).toEqual(hex('ff 00'));
    expect(us.state).toBe('closing');

    const peerEvents = peer.push(ours);
    expect(describeEvents(peerEvents)).toEqual([{ send: 'ff00' }, { close: 1005, reason: '' }]);
    expect(peer.state).toBe('closed');
    const echo = peerEvents.find((e): e is Extract<CodecEvent, { type: 'send' }> => e.type === 'send');
    expect(echo).toBeDefined();

    // Data the peer sent before it saw our close still arrives.
    const late = us.push(Buffer.concat([hex('00 4869 ff'), echo!.bytes]));
    // We already sent ours: no second FF 00.
    expect(describeEvents(late)).toEqual([{ text: 'Hi' }, { close: 1005, reason: '' }]);
    expect(us.state).toBe('closed');
    expect(us.push(hex('00 4869 ff'))).toEqual([]);
    expect(us.end()).toEqual([]);
  });
});

describe('hixie-76 end()', () => {
  it('TCP ending without FF 00 reports no close: the connection layer calls it abrupt', () => {
    const codec = makeCodec(hixie76, 'client');
    expect(codec.end()).toEqual([]);
    expect(codec.state).toBe('closed');
  });
});

describe.each(DRAFTS)('$id properties', (draft) => {
  it('arbitrary bytes at random splits never throw, give at most one fail (last), and match a whole push', () => {
    const LIMIT = 64;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(300), { maxLength: 10 }),
        fc.constantFrom(...ROLES),
        (bytes, cuts, role) => {
          const split = makeCodec(draft, role, LIMIT);
          const events = feedSplit(split, bytes, cuts);
          expect(split.bufferedBytes).toBeLessThanOrEqual(LIMIT);
          const fails = events.filter((e) => e.type === 'fail');
          expect(fails.length).toBeLessThanOrEqual(1);
          if (fails.length === 1) expect(events.at(-1)?.type).toBe('fail');
          expect(events).toEqual(makeCodec(draft, role, LIMIT).push(bytes));
          const ended = split.end();
          expect(ended.length).toBeLessThanOrEqual(1);
          if (fails.length === 1) expect(ended).toEqual([]);
        },
      ),
      { numRuns: runs(400) },
    );
  });

  it('frames built from valid pieces parse the same at any split', () => {
    const frame = fc.oneof(
      fc
        .string({ unit: 'binary', maxLength: 20 })
        .map((s) => Buffer.concat([hex('00'), Buffer.from(s), hex('ff')])),
      fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.concat([hex('80'), Buffer.from([b.length]), b])),
      fc
        .string({ unit: 'grapheme-ascii', maxLength: 10 })
        .map((s) => Buffer.from(`\x05${s.replace(/\xff/g, '')}\xff`, 'latin1')),
    );
    fc.assert(
      fc.property(
        fc.array(frame, { maxLength: 8 }),
        fc.array(fc.nat(400), { maxLength: 12 }),
        (frames, cuts) => {
          const bytes = Buffer.concat(frames);
          const expected = makeCodec(draft, 'server').push(bytes);
          expect(expected.every((e) => e.type === 'text')).toBe(true);
          expect(feedSplit(makeCodec(draft, 'client'), bytes, cuts)).toEqual(expected);
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('decode(encode(m)) = m for random strings at random splits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 10 }),
        fc.array(fc.nat(600), { maxLength: 12 }),
        fc.constantFrom(...ROLES),
        (messages, cuts, role) => {
          const sender = makeCodec(draft, role);
          const receiver = makeCodec(draft, role === 'server' ? 'client' : 'server');
          const wire = Buffer.concat(messages.map((m) => sender.encode({ type: 'text', data: m })));
          const got = feedSplit(receiver, wire, cuts).map((e) =>
            e.type === 'text' ? e.data.toString('utf8') : e,
          );
          expect(got).toEqual(messages);
          expect(receiver.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: runs(300) },
    );
  });
});
