// The legacy per-frame extension (x-webkit-deflate-frame / deflate-frame) and RFC 7692's worked examples.
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CodecEvent } from '../../src/core/types.js';
import { acceptExtensionOffers } from '../../src/extensions/negotiate.js';
import { hybi07 } from '../../src/hybi07/index.js';
import { hybi10 } from '../../src/hybi10/index.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { BASE_POLICY, compressedCodec, negotiatePair } from './compression-helpers.js';
import { onlyFail, rawFrame } from './helpers.js';

const DF = { ...BASE_POLICY, deflateFrame: true };
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
const texts = (events: CodecEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'text' ? [e.data.toString()] : []));

describe('negotiation', () => {
  it('accepts WebKit’s bare offer and the unprefixed name, echoing the name used', () => {
    expect(acceptExtensionOffers(['x-webkit-deflate-frame'], DF)?.header).toBe('x-webkit-deflate-frame');
    expect(acceptExtensionOffers(['deflate-frame'], DF)?.header).toBe('deflate-frame');
    expect(acceptExtensionOffers(['x-webkit-deflate-frame'], { ...DF, deflateFrame: false })).toBeUndefined();
  });

  it('reads max_window_bits / no_context_takeover as asks of the other side, declines bad ones', () => {
    const r = acceptExtensionOffers(['x-webkit-deflate-frame; max_window_bits=10; no_context_takeover'], {
      ...DF,
      clientMaxWindowBits: 11,
    });
    expect(r?.header).toBe('x-webkit-deflate-frame; max_window_bits=11');
    expect(r?.negotiated.deflate).toEqual({ windowBits: 10, noContextTakeover: true });
    expect(r?.negotiated.inflate).toEqual({ windowBits: 11, noContextTakeover: false });
    for (const bad of [
      'max_window_bits',
      'max_window_bits=16',
      'no_context_takeover=1',
      'x',
      'no_context_takeover; no_context_takeover',
    ])
      expect(acceptExtensionOffers([`deflate-frame; ${bad}`], DF)).toBeUndefined();
  });

  it('takes the first acceptable offer across both extensions', () => {
    expect(
      acceptExtensionOffers(['x-webkit-deflate-frame, permessage-deflate'], DF)?.negotiated.extension,
    ).toBe('x-webkit-deflate-frame');
    expect(
      acceptExtensionOffers(['deflate-frame; bogus, permessage-deflate'], DF)?.negotiated.extension,
    ).toBe('permessage-deflate');
  });
});

describe.each([rfc6455, hybi10, hybi07])('$id: deflate-frame codec', (draft) => {
  it('round trips random messages both ways at random splits, with and without context takeover', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.constantFrom(true, 9, 12),
        fc.array(fc.string({ unit: 'grapheme', maxLength: 400 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat({ max: 5000 }), { maxLength: 5 }),
        (reset, bits, messages, cuts) => {
          const n = negotiatePair({ ...DF, serverNoContextTakeover: reset, serverMaxWindowBits: bits }, DF);
          expect(n.server.extension).toBe('x-webkit-deflate-frame');
          const server = compressedCodec(draft, 'server', n.server);
          const client = compressedCodec(draft, 'client', n.client);
          const wire = Buffer.concat(messages.map((data) => server.encode({ type: 'text', data })));
          const events: CodecEvent[] = [];
          let at = 0;
          for (const cut of [...cuts.sort((a, b) => a - b), wire.length]) {
            if (cut <= at || cut > wire.length) continue;
            events.push(...client.push(wire.subarray(at, cut)));
            at = cut;
          }
          expect(texts(events)).toEqual(messages);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('inflates each RSV1 frame on its own, continuations included, mixed with plain frames', () => {
    const n = negotiatePair(DF, DF);
    const client = compressedCodec(draft, 'client', n.client);
    // One context across frames, as the draft's context takeover has it.
    const z1 = deflateRawSync(Buffer.from('Hello, '), { finishFlush: 2 });
    const events = client.push(
      Buffer.concat([
        rawFrame({ opcode: 1, rsv: 4, fin: false, payload: z1.subarray(0, z1.length - 4) }),
        rawFrame({ opcode: 0, fin: false, payload: 'plain ' }),
        rawFrame({ opcode: 0, rsv: 4, payload: hex('f2 48 cd c9 c9 07 00') }),
      ]),
    );
    expect(texts(events)).toEqual(['Hello, plain Hello']);
  });

  it('fails 1002 on RSV1 on a control frame, and stops a bomb spread over frames at maxPayload', () => {
    const n = negotiatePair(DF, DF);
    const control = compressedCodec(draft, 'client', n.client);
    expect(onlyFail(control.push(rawFrame({ opcode: 10, rsv: 4, payload: '' }))).closeCode).toBe(1002);
    const zeros = deflateRawSync(Buffer.alloc(600_000), { finishFlush: 2 });
    const piece = zeros.subarray(0, zeros.length - 4);
    const client = compressedCodec(draft, 'client', n.client, 1 << 20);
    const events = client.push(
      Buffer.concat([
        rawFrame({ opcode: 2, rsv: 4, fin: false, payload: piece }),
        rawFrame({
          opcode: 0,
          rsv: 4,
          payload: deflateRawSync(Buffer.alloc(600_000), { finishFlush: 2 }).subarray(0, -4),
        }),
      ]),
    );
    expect(onlyFail(events).fault).toBe('MESSAGE_TOO_BIG');
  });
});

describe('RFC 7692 §7.2.3 worked examples through the permessage-deflate codec', () => {
  const n = negotiatePair(BASE_POLICY);

  it('§7.2.3.1-2: "Hello" compressed, then again with the context taken over', () => {
    const client = compressedCodec(rfc6455, 'client', n.client);
    expect(texts(client.push(hex('c1 07 f2 48 cd c9 c9 07 00')))).toEqual(['Hello']);
    expect(texts(client.push(hex('c1 05 f2 00 11 00 00')))).toEqual(['Hello']);
  });

  it('§7.2.3.1: fragmented across two frames; §7.2.3.3: a stored (uncompressed) block', () => {
    const client = compressedCodec(rfc6455, 'client', n.client);
    expect(texts(client.push(hex('41 03 f2 48 cd 80 04 c9 c9 07 00')))).toEqual(['Hello']);
    expect(texts(client.push(hex('c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00')))).toEqual(['Hello']);
  });

  it('§7.2.3.5: two DEFLATE blocks in one message', () => {
    const client = compressedCodec(rfc6455, 'client', n.client);
    expect(texts(client.push(hex('c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00')))).toEqual(['Hello']);
  });

  it('without context takeover the history is gone: the §7.2.3.2 back-reference no longer inflates (1007)', () => {
    const reset = negotiatePair({ ...BASE_POLICY, serverNoContextTakeover: true });
    const client = compressedCodec(rfc6455, 'client', reset.client);
    expect(texts(client.push(hex('c1 07 f2 48 cd c9 c9 07 00')))).toEqual(['Hello']);
    expect(onlyFail(client.push(hex('c1 05 f2 00 11 00 00')))).toEqual({
      fault: 'INFLATE_FAILED',
      closeCode: 1007,
    });
  });
});
