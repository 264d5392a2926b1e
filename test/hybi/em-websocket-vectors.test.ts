// em-websocket `spec/unit/framing_spec.rb` vectors for hybi-07 and later (drafts.md §10.3), on every hybi draft.
import { describe, expect, it } from 'vitest';
import { hybi07 } from '../../src/hybi07/index.js';
import { hybi10 } from '../../src/hybi10/index.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { codecFor, onlyFail, plain } from './helpers.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const HELLO = '48656c6c6f';

for (const draft of [hybi07, hybi10, rfc6455]) {
  describe(`em-websocket framing vectors: ${draft.id}`, () => {
    // These frames are unmasked, so they are what a client receives.
    it('text "Hello"', () => {
      expect(plain(codecFor(draft, 'client').push(hex(`81 05 ${HELLO}`)))).toEqual([
        { type: 'text', hex: HELLO },
      ]);
    });
    it('fragmented "Hel" + "lo"', () => {
      expect(plain(codecFor(draft, 'client').push(hex('01 03 48656c 80 02 6c6f')))).toEqual([
        { type: 'text', hex: HELLO },
      ]);
    });
    it('ping and pong', () => {
      const events = plain(codecFor(draft, 'client').push(hex(`89 05 ${HELLO} 8a 05 ${HELLO}`)));
      expect(events.filter((e) => (e as { type: string }).type !== 'send')).toEqual([
        { type: 'ping', hex: HELLO },
        { type: 'pong', hex: HELLO },
      ]);
    });
    it('256-byte and 64 KiB binary headers', () => {
      const events = codecFor(draft, 'client').push(
        Buffer.concat([
          hex('82 7e 01 00'),
          Buffer.alloc(256, 1),
          hex('82 7f 00 00 00 00 00 01 00 00'),
          Buffer.alloc(65536, 2),
        ]),
      );
      expect(events.map((e) => (e.type === 'binary' ? e.data.length : e.type))).toEqual([256, 65536]);
    });
    it('`83 05 Hello` fails: unknown opcode 3', () => {
      expect(onlyFail(codecFor(draft, 'client').push(hex(`83 05 ${HELLO}`)))).toEqual({
        fault: 'RESERVED_OPCODE',
        closeCode: 1002,
      });
    });
    it('a non-FIN text frame then a FIN text frame fails: continuation frame expected', () => {
      expect(onlyFail(codecFor(draft, 'client').push(hex('01 03 48656c 81 02 6c6f')))).toEqual({
        fault: 'CONTINUATION_EXPECTED',
        closeCode: 1002,
      });
    });
    it('a non-FIN pong `0a 00` fails: control frames must not be fragmented', () => {
      expect(onlyFail(codecFor(draft, 'client').push(hex('0a 00')))).toEqual({
        fault: 'FRAGMENTED_CONTROL_FRAME',
        closeCode: 1002,
      });
    });
  });
}
