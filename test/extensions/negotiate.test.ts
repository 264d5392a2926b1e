// RFC 7692 §5, §7.1 negotiation as pure functions: offers in order, malformed ones declined, answers checked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompressionPolicy } from '../../src/core/types.js';
import { parseExtensions } from '../../src/extensions/header.js';
import {
  acceptExtensionOffers,
  extensionOffer,
  readExtensionAnswer,
} from '../../src/extensions/negotiate.js';
import { reportRequest } from '../../src/sniff/report.js';

const DEFAULT: CompressionPolicy = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: true,
  clientMaxWindowBits: true,
  deflateFrame: false,
};

const accept = (offer: string | string[], policy: Partial<CompressionPolicy> = {}) =>
  acceptExtensionOffers(typeof offer === 'string' ? [offer] : offer, { ...DEFAULT, ...policy });

describe('header parsing (RFC 6455 §9.1)', () => {
  it('reads elements, parameters and quoted values across several header lines', () => {
    expect(parseExtensions(['permessage-deflate; client_max_window_bits="10", foo', 'bar;x=1'])).toEqual([
      { name: 'permessage-deflate', params: [['client_max_window_bits', '10']], malformed: false },
      { name: 'foo', params: [], malformed: false },
      { name: 'bar', params: [['x', '1']], malformed: false },
    ]);
  });

  it('marks broken elements malformed without losing the others', () => {
    const out = parseExtensions(['a; =1, b; c="x y", d; e']);
    expect(out.map((e) => [e.name, e.malformed])).toEqual([
      ['a', true],
      ['b', true],
      ['d', false],
    ]);
    expect(parseExtensions(['a; b="unterminated'])[0]!.malformed).toBe(true);
  });

  it('never throws on arbitrary header values', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 4 }), (values) => {
        parseExtensions(values);
        acceptExtensionOffers(values, DEFAULT);
        readExtensionAnswer(values, DEFAULT);
      }),
      { numRuns: 500 },
    );
  });
});

describe('server: choosing among offers', () => {
  it('accepts what Chromium and ws offer, with the answer ws gives', () => {
    expect(accept('permessage-deflate; client_max_window_bits')?.header).toBe('permessage-deflate');
    expect(accept('permessage-deflate; client_max_window_bits=12')?.header).toBe(
      'permessage-deflate; client_max_window_bits=12',
    );
  });

  it('takes the first acceptable offer: malformed, duplicate or unknown parameters decline only their offer', () => {
    const offers = [
      'permessage-deflate; server_max_window_bits=7',
      'permessage-deflate; client_no_context_takeover; client_no_context_takeover',
      'permessage-deflate; mystery',
      'permessage-deflate; server_max_window_bits=010',
      'permessage-deflate; server_no_context_takeover=yes',
      'permessage-deflate; server_max_window_bits=10',
      'permessage-deflate',
    ];
    const chosen = accept(offers.join(', '));
    expect(chosen?.header).toBe('permessage-deflate; server_max_window_bits=10');
    expect(chosen?.negotiated.deflate).toEqual({ windowBits: 10, noContextTakeover: false });
  });

  it('declines when nothing acceptable is offered', () => {
    expect(accept('x-unknown, permessage-deflate; a=1')).toBeUndefined();
    expect(
      accept('permessage-deflate; server_max_window_bits=10', { serverMaxWindowBits: false }),
    ).toBeUndefined();
  });

  it('applies its own policy: caps, context takeover, windows only to a client that allows them', () => {
    const r = accept('permessage-deflate; client_max_window_bits', {
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 11,
      clientMaxWindowBits: 9,
    });
    expect(r?.header).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=9',
    );
    expect(r?.negotiated).toEqual({
      extension: 'permessage-deflate',
      deflate: { windowBits: 11, noContextTakeover: true },
      inflate: { windowBits: 9, noContextTakeover: true },
    });
    // RFC 7692 §7.1.2.2: no client_max_window_bits unless the client offered it.
    expect(accept('permessage-deflate', { clientMaxWindowBits: 9 })?.header).toBe('permessage-deflate');
    // §7.1.2.1: a client's smaller server window wins over the server's cap.
    expect(accept('permessage-deflate; server_max_window_bits=8', { serverMaxWindowBits: 12 })?.header).toBe(
      'permessage-deflate; server_max_window_bits=8',
    );
  });
});

describe('client: checking the answer', () => {
  const read = (answer: string[], policy: Partial<CompressionPolicy> | 'none' = {}) =>
    readExtensionAnswer(answer, policy === 'none' ? undefined : { ...DEFAULT, ...policy });

  it('offers like ws', () => {
    expect(extensionOffer(DEFAULT)).toBe('permessage-deflate; client_max_window_bits');
    expect(
      extensionOffer({
        ...DEFAULT,
        serverNoContextTakeover: true,
        serverMaxWindowBits: 10,
        clientMaxWindowBits: 12,
      }),
    ).toBe(
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12',
    );
  });

  it('accepts an answer inside the offer and reads it from our side', () => {
    expect(read(['permessage-deflate; server_no_context_takeover; client_max_window_bits=10'])).toEqual({
      ok: true,
      negotiated: {
        extension: 'permessage-deflate',
        deflate: { windowBits: 10, noContextTakeover: false },
        inflate: { windowBits: 15, noContextTakeover: true },
      },
    });
    expect(read([])).toEqual({ ok: true });
  });

  it('fails on an answer we did not offer', () => {
    expect(read(['permessage-deflate'], 'none').ok).toBe(false);
    expect(read(['x-webkit-deflate-frame']).ok).toBe(false);
    expect(read(['permessage-deflate, permessage-deflate']).ok).toBe(false);
    expect(read(['permessage-deflate; client_max_window_bits']).ok).toBe(false);
    expect(read(['permessage-deflate; server_max_window_bits=12'], { serverMaxWindowBits: 10 }).ok).toBe(
      false,
    );
    expect(read(['permessage-deflate; client_max_window_bits=12'], { clientMaxWindowBits: 10 }).ok).toBe(
      false,
    );
    expect(read(['permessage-deflate'], { serverNoContextTakeover: true }).ok).toBe(false);
    expect(read(['permessage-deflate; bogus']).ok).toBe(false);
  });
});

describe('detect: offered extensions and the one we would accept', () => {
  const request = (ext: string, version = 13) =>
    Buffer.from(
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: http://x\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: ${version}\r\nSec-WebSocket-Extensions: ${ext}\r\n\r\n`,
    );

  it('lists Chromium-era offers in order and the answer of a perMessageDeflate: true server', () => {
    expect(
      reportRequest(request('x-webkit-deflate-frame, permessage-deflate; client_max_window_bits')).extensions,
    ).toEqual({
      offered: ['x-webkit-deflate-frame', 'permessage-deflate; client_max_window_bits'],
      accepted: 'x-webkit-deflate-frame',
    });
    expect(
      reportRequest(request('permessage-deflate; server_max_window_bits=7, foo; a="b"', 8)).extensions,
    ).toEqual({
      offered: ['permessage-deflate; server_max_window_bits=7', 'foo; a=b'],
      accepted: '',
    });
  });
});
