// Closing handshake (RFC 6455 §5.5.1, §7.1), control frames between fragments, and encode() misuse.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/faults.js';
import { replayRng } from '../../src/core/rng.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { codecFor, plain, rawFrame } from './helpers.js';

const KEY = [9, 8, 7, 6];
const toServer = (f: Parameters<typeof rawFrame>[0]) => rawFrame({ ...f, mask: KEY });

function usageCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err.code;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('closing handshake', () => {
  it('an empty close body reports 1005 and is echoed empty', () => {
    const codec = codecFor(rfc6455, 'server');
    expect(plain(codec.push(toServer({ opcode: 8 })))).toEqual([
      { type: 'close', code: 1005, reason: '' },
      { type: 'send', hex: '8800' },
    ]);
    expect(codec.state).toBe('closed');
  });

  it('a close with code and reason is reported, and both are echoed (as ws does)', () => {
    const codec = codecFor(rfc6455, 'server');
    const body = Buffer.concat([Buffer.from([0x0f, 0xa0]), Buffer.from('bye ✓')]);
    expect(plain(codec.push(toServer({ opcode: 8, payload: body })))).toEqual([
      { type: 'close', code: 4000, reason: 'bye ✓' },
      { type: 'send', hex: `8809${body.toString('hex')}` },
    ]);
    expect(codec.push(toServer({ opcode: 1, payload: 'late' }))).toEqual([]);
  });

  it('after our close, the peer close completes the handshake without an echo', () => {
    const codec = codecFor(rfc6455, 'server');
    expect(codec.encode({ type: 'close', code: 1001, reason: 'going' }).toString('hex')).toBe(
      `880703e9${Buffer.from('going').toString('hex')}`,
    );
    expect(codec.state).toBe('closing');
    // Data still in flight from the peer is delivered; pings are not answered once we are closing.
    expect(plain(codec.push(toServer({ opcode: 1, payload: 'x' })))).toEqual([{ type: 'text', hex: '78' }]);
    expect(plain(codec.push(toServer({ opcode: 9, payload: 'p' })))).toEqual([{ type: 'ping', hex: '70' }]);
    expect(plain(codec.push(toServer({ opcode: 8, payload: Buffer.from([3, 0xe9]) })))).toEqual([
      { type: 'close', code: 1001, reason: '' },
    ]);
    expect(codec.state).toBe('closed');
  });

  it('a client echoes the close masked with a fresh key', () => {
    const codec = rfc6455.createCodec('client', {
      maxPayload: 100,
      rng: replayRng(Buffer.from([0, 0, 0, 0])),
    });
    expect(plain(codec.push(rawFrame({ opcode: 8, payload: Buffer.from([3, 0xe8]) })))).toEqual([
      { type: 'close', code: 1000, reason: '' },
      { type: 'send', hex: '88820000000003e8' },
    ]);
  });

  it('end() after a clean end of stream reports nothing', () => {
    const codec = codecFor(rfc6455, 'server');
    codec.push(toServer({ opcode: 1, payload: 'whole' }));
    expect(codec.end()).toEqual([]);
    expect(codec.state).toBe('closed');
  });
});

describe('control frames between fragments (RFC 6455 §5.4)', () => {
  it('a ping inside a fragmented message is answered at once and the message still completes', () => {
    const codec = codecFor(rfc6455, 'server');
    const events = codec.push(
      Buffer.concat([
        toServer({ opcode: 1, fin: false, payload: 'Hel' }),
        toServer({ opcode: 9, payload: 'p' }),
        toServer({ opcode: 10, payload: 'q' }),
        toServer({ opcode: 0, payload: 'lo' }),
      ]),
    );
    expect(plain(events)).toEqual([
      { type: 'ping', hex: '70' },
      { type: 'send', hex: '8a0170' },
      { type: 'pong', hex: '71' },
      { type: 'text', hex: Buffer.from('Hello').toString('hex') },
    ]);
    expect(codec.bufferedBytes).toBe(0);
  });

  it('bufferedBytes counts held fragments and partial frames', () => {
    const codec = codecFor(rfc6455, 'server');
    codec.push(toServer({ opcode: 2, fin: false, payload: Buffer.alloc(10) }));
    expect(codec.bufferedBytes).toBe(10);
    codec.push(toServer({ opcode: 0, payload: Buffer.alloc(20) }).subarray(0, 9));
    expect(codec.bufferedBytes).toBe(19);
  });
});

describe('encode() misuse throws UsageError', () => {
  it('NOT_OPEN after our close and after the peer close', () => {
    const codec = codecFor(rfc6455, 'server');
    codec.encode({ type: 'close' });
    expect(usageCode(() => codec.encode({ type: 'text', data: 'x' }))).toBe('NOT_OPEN');
    expect(usageCode(() => codec.encode({ type: 'close', code: 1000 }))).toBe('NOT_OPEN');
    const other = codecFor(rfc6455, 'server');
    other.push(toServer({ opcode: 8 }));
    expect(usageCode(() => other.encode({ type: 'ping' }))).toBe('NOT_OPEN');
  });

  it('CONTROL_TOO_BIG for a ping or pong over 125 bytes; 125 is fine', () => {
    const codec = codecFor(rfc6455, 'server');
    expect(
      codec
        .encode({ type: 'ping', data: Buffer.alloc(125) })
        .subarray(0, 2)
        .toString('hex'),
    ).toBe('897d');
    expect(usageCode(() => codec.encode({ type: 'ping', data: Buffer.alloc(126) }))).toBe('CONTROL_TOO_BIG');
    expect(usageCode(() => codec.encode({ type: 'pong', data: Buffer.alloc(126) }))).toBe('CONTROL_TOO_BIG');
  });

  it('INVALID_CLOSE_CODE for codes that may not be sent, and for a reason without a code', () => {
    const codec = codecFor(rfc6455, 'server');
    for (const code of [999, 1004, 1005, 1006, 1015, 2999, 5000, 1000.5])
      expect(usageCode(() => codec.encode({ type: 'close', code }))).toBe('INVALID_CLOSE_CODE');
    expect(usageCode(() => codec.encode({ type: 'close', reason: 'why' }))).toBe('INVALID_CLOSE_CODE');
    expect(codec.state).toBe('open');
  });

  it('REASON_TOO_LONG over 123 bytes of UTF-8; 123 is fine', () => {
    const codec = codecFor(rfc6455, 'server');
    expect(usageCode(() => codec.encode({ type: 'close', code: 1000, reason: 'é'.repeat(62) }))).toBe(
      'REASON_TOO_LONG',
    );
    expect(
      codec
        .encode({ type: 'close', code: 1000, reason: 'a'.repeat(123) })
        .subarray(0, 2)
        .toString('hex'),
    ).toBe('887d');
  });

  it('INVALID_UTF8 for text given as bytes that are not UTF-8', () => {
    const codec = codecFor(rfc6455, 'server');
    expect(usageCode(() => codec.encode({ type: 'text', data: Buffer.from([0xff]) }))).toBe('INVALID_UTF8');
  });
});

describe('masking of outbound frames', () => {
  it('a client takes a fresh 4-byte key from the rng for every frame; a server never masks', () => {
    const keys = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const client = rfc6455.createCodec('client', { maxPayload: 100, rng: replayRng(keys) });
    expect(client.encode({ type: 'binary', data: Buffer.from([0, 0]) }).toString('hex')).toBe(
      '82820102030401' + '02',
    );
    expect(client.encode({ type: 'binary', data: Buffer.from([0, 0]) }).toString('hex')).toBe(
      '82820506070805' + '06',
    );
    const server = rfc6455.createCodec('server', {
      maxPayload: 100,
      rng: () => {
        throw new Error('a server must not draw mask keys');
      },
    });
    expect(server.encode({ type: 'binary', data: Buffer.from([0, 0]) }).toString('hex')).toBe('82020000');
  });
});
