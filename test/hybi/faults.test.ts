// One negative test per framing rule (RFC 6455 §5-§8), for every hybi draft: exact fault name and close code.
import { describe, expect, it } from 'vitest';
import type { Draft } from '../../src/core/types.js';
import { hybi07 } from '../../src/hybi07/index.js';
import { hybi10 } from '../../src/hybi10/index.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { codecFor, onlyFail, plain, rawFrame } from './helpers.js';

const KEY = [1, 2, 3, 4];
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** A frame as a client sends it to a server. */
const toServer = (f: Parameters<typeof rawFrame>[0]) => rawFrame({ ...f, mask: KEY });

/** The codes each draft reports where RFC 6455's are not available (drafts.md §5). */
const CASES: readonly { draft: Draft; utf8: number; tooBig: number }[] = [
  { draft: rfc6455, utf8: 1007, tooBig: 1009 },
  { draft: hybi10, utf8: 1007, tooBig: 1004 },
  { draft: hybi07, utf8: 1002, tooBig: 1004 },
];

for (const { draft, utf8, tooBig } of CASES) {
  describe(`${draft.id}: each rule fails with its fault and code`, () => {
    /** Feed to a server; expect close frame with `code` as a send event, then one fail, then silence. */
    function expectFault(bytes: Buffer, fault: string, code: number, maxPayload = 1 << 20): void {
      const codec = codecFor(draft, 'server', maxPayload);
      const events = codec.push(bytes);
      expect(onlyFail(events)).toEqual({ fault, closeCode: code });
      const sends = events.filter((e) => e.type === 'send');
      expect(plain(sends)).toEqual([{ type: 'send', hex: `8802${code.toString(16).padStart(4, '0')}` }]);
      expect(events.at(-1)?.type).toBe('fail');
      expect(codec.state).toBe('closed');
      expect(codec.push(toServer({ opcode: 1, payload: 'more' }))).toEqual([]);
      expect(codec.end()).toEqual([]);
    }

    it('RESERVED_BITS: RSV1 without an extension (§5.2)', () => {
      expectFault(toServer({ opcode: 1, rsv: 4, payload: 'x' }), 'RESERVED_BITS', 1002);
    });
    it('RESERVED_OPCODE: data opcode 0x3 and control opcode 0xB (§5.2)', () => {
      expectFault(toServer({ opcode: 3, payload: 'x' }), 'RESERVED_OPCODE', 1002);
      expectFault(toServer({ opcode: 0xb }), 'RESERVED_OPCODE', 1002);
    });
    it('UNMASKED_FRAME: a server receives an unmasked frame (§5.1)', () => {
      expectFault(rawFrame({ opcode: 1, payload: 'hi' }), 'UNMASKED_FRAME', 1002);
    });
    it('MASKED_FRAME: a client receives a masked frame (§5.1)', () => {
      const codec = codecFor(draft, 'client');
      const events = codec.push(rawFrame({ opcode: 1, payload: 'hi', mask: KEY }));
      expect(onlyFail(events)).toEqual({ fault: 'MASKED_FRAME', closeCode: 1002 });
      // The client's own close frame is masked: 88 82 + 4-byte key + masked code.
      const send = events.find((e) => e.type === 'send');
      expect(send?.type === 'send' && send.bytes.subarray(0, 2).toString('hex')).toBe('8882');
    });
    it('LENGTH_MSB_SET: 64-bit length with its top bit set (§5.2)', () => {
      expectFault(hex('82 ff 80 00 00 00 00 00 00 01 01 02 03 04'), 'LENGTH_MSB_SET', 1002);
    });
    it('CONTROL_FRAME_TOO_BIG: a ping of 126 bytes (§5.5)', () => {
      expectFault(toServer({ opcode: 9, payload: Buffer.alloc(126) }), 'CONTROL_FRAME_TOO_BIG', 1002);
    });
    it('FRAGMENTED_CONTROL_FRAME: a ping without FIN (§5.5)', () => {
      expectFault(toServer({ opcode: 9, fin: false }), 'FRAGMENTED_CONTROL_FRAME', 1002);
    });
    it('UNEXPECTED_CONTINUATION: a continuation with no message open (§5.4)', () => {
      expectFault(toServer({ opcode: 0, payload: 'x' }), 'UNEXPECTED_CONTINUATION', 1002);
    });
    it('CONTINUATION_EXPECTED: a new text frame inside a fragmented message (§5.4)', () => {
      const bytes = Buffer.concat([
        toServer({ opcode: 1, fin: false, payload: 'a' }),
        toServer({ opcode: 1, payload: 'b' }),
      ]);
      expectFault(bytes, 'CONTINUATION_EXPECTED', 1002);
    });
    it('INVALID_CLOSE_PAYLOAD: a close body of one byte (§5.5.1)', () => {
      expectFault(toServer({ opcode: 8, payload: Buffer.from([3]) }), 'INVALID_CLOSE_PAYLOAD', 1002);
    });
    it('INVALID_CLOSE_CODE: codes that may never appear on the wire (§7.4)', () => {
      for (const code of [0, 999, 1005, 1006, 1015, 2999, 5000, 65535]) {
        const body = Buffer.from([code >> 8, code & 0xff]);
        expectFault(toServer({ opcode: 8, payload: body }), 'INVALID_CLOSE_CODE', 1002);
      }
    });
    it('INVALID_UTF8: a text message that is not UTF-8 (§8.1)', () => {
      expectFault(toServer({ opcode: 1, payload: Buffer.from([0x48, 0xc0, 0xaf]) }), 'INVALID_UTF8', utf8);
    });
    it('INVALID_UTF8: a close reason that is not UTF-8 (§5.5.1)', () => {
      expectFault(toServer({ opcode: 8, payload: Buffer.from([0x03, 0xe8, 0xff]) }), 'INVALID_UTF8', utf8);
    });
    it('INVALID_UTF8: fails on the first bad fragment, before the message ends', () => {
      expectFault(
        toServer({ opcode: 1, fin: false, payload: Buffer.from([0x61, 0xed, 0xa0, 0x80]) }),
        'INVALID_UTF8',
        utf8,
      );
    });
    it('INVALID_UTF8: a fragmented text that ends inside a sequence', () => {
      const bytes = Buffer.concat([
        toServer({ opcode: 1, fin: false, payload: 'ok' }),
        toServer({ opcode: 0, payload: Buffer.from([0xe2, 0x82]) }),
      ]);
      expectFault(bytes, 'INVALID_UTF8', utf8);
    });
    it('MESSAGE_TOO_BIG: judged from the header, before the payload arrives', () => {
      // Only the 8-byte header of a 2000-byte frame: the fault comes at once.
      expectFault(
        toServer({ opcode: 2, payload: Buffer.alloc(2000) }).subarray(0, 8),
        'MESSAGE_TOO_BIG',
        tooBig,
        1000,
      );
    });
    it('MESSAGE_TOO_BIG: counting the whole reassembled message', () => {
      const bytes = Buffer.concat([
        toServer({ opcode: 2, fin: false, payload: Buffer.alloc(600) }),
        toServer({ opcode: 0, fin: false, payload: Buffer.alloc(600) }),
      ]);
      expectFault(bytes, 'MESSAGE_TOO_BIG', tooBig, 1000);
    });
    it('TRUNCATED_FRAME: the transport ends inside a frame (1006, nothing sent)', () => {
      const codec = codecFor(draft, 'server');
      expect(codec.push(toServer({ opcode: 1, payload: 'hello' }).subarray(0, 8))).toEqual([]);
      const events = codec.end();
      expect(plain(events)).toEqual([{ type: 'fail', fault: 'TRUNCATED_FRAME', closeCode: 1006 }]);
      expect(codec.state).toBe('closed');
    });
    it('a fault after our own close sends no second close frame', () => {
      const codec = codecFor(draft, 'server');
      codec.encode({ type: 'close', code: 1000 });
      const events = codec.push(toServer({ opcode: 3 }));
      expect(plain(events)).toEqual([{ type: 'fail', fault: 'RESERVED_OPCODE', closeCode: 1002 }]);
    });
  });
}
