// The gateway mapping policy: message, close-code and websockify framing rules, case by case and by property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Caps } from '../../src/core/types.js';
import {
  chooseTcpProtocol,
  clientToTcp,
  clientToUpstream,
  fitReason,
  idleClose,
  isSendableCloseCode,
  mapClose,
  shutdownClose,
  tcpFraming,
  tcpToClient,
  upstreamToClient,
} from '../../src/gateway/policy.js';

// The capability records of docs/drafts.md, written out so the policy is tested independently of the drafts.
const HIXIE75: Caps = {
  binary: false,
  ping: false,
  closeCodes: false,
  closingHandshake: false,
  fragmentation: false,
  extensions: false,
  compression: false,
};
const HIXIE76: Caps = { ...HIXIE75, closingHandshake: true };
const RFC6455: Caps = {
  binary: true,
  ping: true,
  closeCodes: true,
  closingHandshake: true,
  fragmentation: true,
  extensions: true,
  compression: true,
};

describe('upstream -> client messages', () => {
  it('text passes as text to every draft', () => {
    for (const caps of [HIXIE75, HIXIE76, RFC6455])
      expect(upstreamToClient(Buffer.from('héllo'), false, caps, 'close')).toEqual({
        kind: 'send',
        data: 'héllo',
      });
  });

  it('binary passes as binary to a binary-capable client, whatever the legacy option', () => {
    const data = Buffer.from([0, 1, 255]);
    for (const mode of ['close', 'drop', 'base64'] as const)
      expect(upstreamToClient(data, true, RFC6455, mode)).toEqual({ kind: 'send', data });
  });

  it("binary toward hixie: close (1003 upstream, clean close to the client); other policies are the connection layer's", () => {
    const data = Buffer.from([0, 1, 255]);
    const closed = upstreamToClient(data, true, HIXIE76, 'close');
    expect(closed.kind).toBe('close');
    if (closed.kind !== 'close') return;
    expect(closed.toSource.code).toBe(1003);
    expect(closed.toTarget.code).toBeUndefined();
    // 'drop', 'base64', 'utf8' and 'error' pass the bytes on: the client's Connection applies them.
    for (const policy of ['drop', 'base64', 'utf8', 'error'] as const)
      expect(upstreamToClient(data, true, HIXIE76, policy)).toEqual({ kind: 'send', data });
  });

  it('client messages reach the upstream unchanged', () => {
    expect(clientToUpstream(Buffer.from('a'), false)).toEqual({ kind: 'send', data: 'a' });
    expect(clientToUpstream(Buffer.from([9]), true)).toEqual({ kind: 'send', data: Buffer.from([9]) });
  });
});

describe('close mapping', () => {
  it('a clean close passes its code and reason to drafts that carry codes', () => {
    expect(mapClose(4001, 'bye', true, 'upstream', RFC6455)).toEqual({ code: 4001, reason: 'bye' });
    expect(mapClose(1000, '', true, 'client', RFC6455)).toEqual({ code: 1000, reason: '' });
  });

  it('hixie targets get a close without a code', () => {
    expect(mapClose(4001, 'bye', true, 'upstream', HIXIE76)).toEqual({ code: undefined, reason: '' });
    expect(mapClose(1006, '', false, 'upstream', HIXIE75)).toEqual({ code: undefined, reason: '' });
  });

  it('1005 (no status) becomes a close without a code', () => {
    expect(mapClose(1005, '', true, 'client', RFC6455)).toEqual({ code: undefined, reason: '' });
  });

  it('an abrupt end is reported as 1001 (client gone) or 1011 (upstream failed)', () => {
    expect(mapClose(1006, '', false, 'client', RFC6455).code).toBe(1001);
    expect(mapClose(1006, '', false, 'upstream', RFC6455).code).toBe(1011);
    expect(mapClose(1002, '', false, 'client', RFC6455).code).toBe(1001);
  });

  it('never produces a code that may not appear on the wire, and reasons fit in 123 bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6000 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.boolean(),
        fc.constantFrom('client' as const, 'upstream' as const),
        (code, reason, clean, from) => {
          const out = mapClose(code, reason, clean, from, RFC6455);
          if (out.code !== undefined) expect(isSendableCloseCode(out.code)).toBe(true);
          expect(Buffer.byteLength(out.reason, 'utf8')).toBeLessThanOrEqual(123);
          expect(reason.startsWith(out.reason) || !clean).toBe(true);
        },
      ),
    );
  });

  it('sendable codes follow RFC 6455 §7.4.1', () => {
    expect([999, 1004, 1005, 1006, 1015, 2999, 5000].filter(isSendableCloseCode)).toEqual([]);
    expect([1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999].every(isSendableCloseCode)).toBe(true);
  });

  it('fitReason cuts at a character boundary', () => {
    const cut = fitReason('é'.repeat(100));
    expect(Buffer.byteLength(cut)).toBe(122);
    expect(cut).toBe('é'.repeat(61));
  });

  it('idle and shutdown closes use 1001 where codes exist', () => {
    expect(idleClose('client', RFC6455).code).toBe(1001);
    expect(idleClose('upstream', HIXIE76).code).toBeUndefined();
    expect(shutdownClose(RFC6455).code).toBe(1001);
    expect(shutdownClose(HIXIE75)).toEqual({ code: undefined, reason: '' });
  });
});

describe('websockify (TCP upstream) framing', () => {
  it('chooses binary when offered and possible, else base64', () => {
    expect(chooseTcpProtocol(['base64', 'binary'], RFC6455)).toBe('binary');
    expect(chooseTcpProtocol(['base64', 'binary'], HIXIE76)).toBe('base64');
    expect(chooseTcpProtocol(['base64'], RFC6455)).toBe('base64');
    expect(chooseTcpProtocol(['chat'], RFC6455)).toBeUndefined();
  });

  it('uses base64 for text-only drafts and for clients that chose base64', () => {
    expect(tcpFraming(HIXIE76, '')).toBe('base64');
    expect(tcpFraming(RFC6455, 'base64')).toBe('base64');
    expect(tcpFraming(RFC6455, 'binary')).toBe('binary');
    expect(tcpFraming(RFC6455, '')).toBe('binary');
  });

  it('round-trips arbitrary bytes in both framings', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('binary' as const, 'base64' as const),
        (u8, f) => {
          const bytes = Buffer.from(u8);
          const msg = tcpToClient(bytes, f);
          const back = clientToTcp(
            typeof msg === 'string' ? Buffer.from(msg) : msg,
            typeof msg !== 'string',
            f,
          );
          expect(back).toEqual({ ok: true, bytes });
        },
      ),
    );
  });

  it('rejects text that is not base64 with 1007, and passes binary raw even in base64 framing', () => {
    const bad = clientToTcp(Buffer.from('not base64!'), false, 'base64');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.close.code).toBe(1007);
    expect(clientToTcp(Buffer.from('QUI='), false, 'base64')).toEqual({ ok: true, bytes: Buffer.from('AB') });
    expect(clientToTcp(Buffer.from([1, 2]), true, 'base64')).toEqual({
      ok: true,
      bytes: Buffer.from([1, 2]),
    });
    expect(clientToTcp(Buffer.from('hi'), false, 'binary')).toEqual({ ok: true, bytes: Buffer.from('hi') });
  });
});
