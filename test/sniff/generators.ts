// fast-check generators: valid handshake requests of every draft, with random casing, order, spacing and extras.
import fc from 'fast-check';
import { ALL_DRAFTS, type DraftId } from '../../src/core/types.js';

export interface GeneratedRequest {
  readonly draft: DraftId;
  readonly bytes: Buffer;
}

type Line = readonly [string, string];

const VERSION: Partial<Record<DraftId, string>> = { rfc6455: '13', 'hybi-10': '8', 'hybi-07': '7' };

/** The same name with each letter's case flipped at random (RFC 9110 §5.1: names are case-insensitive). */
const recase = (name: string): fc.Arbitrary<string> =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((flips) => [...name].map((c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

const extraHeader: fc.Arbitrary<Line> = fc.tuple(
  fc.oneof(
    fc.constantFrom('User-Agent', 'Cookie', 'Accept', 'Pragma', 'Cache-Control', 'X-Forwarded-For'),
    fc.stringMatching(/^X-[A-Za-z0-9-]{1,12}$/),
  ),
  fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/),
);

const token = fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/);
const origin = fc.constantFrom('http://example.com', 'https://app.example.org:8443', 'null');
const host = fc.constantFrom('example.com', '127.0.0.1:8080', '[::1]:9000', 'a.b');
const path = fc.constantFrom('/', '/chat', '/demo?x=1&y=2', '/a/b%20c');

/** RFC 6455 §4.1 item 7: base64 of 16 random bytes. */
const hybiKey = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64'));

/** hixie-76 §4.1 steps 16-26 (drafts.md §2 "Client key generation"), driven by fast-check instead of a PRNG. */
export const hixieKey: fc.Arbitrary<string> = fc
  .integer({ min: 1, max: 12 })
  .chain((spaces) =>
    fc.record({
      spaces: fc.constant(spaces),
      number: fc.integer({ min: 0, max: Math.floor(0xffffffff / spaces) }),
      noise: fc.array(
        fc.tuple(
          fc.oneof(fc.integer({ min: 0x21, max: 0x2f }), fc.integer({ min: 0x3a, max: 0x7e })),
          fc.nat(),
        ),
        { minLength: 1, maxLength: 12 },
      ),
      gaps: fc.array(fc.nat(), { minLength: spaces, maxLength: spaces }),
    }),
  )
  .map(({ spaces, number, noise, gaps }) => {
    let key = String(number * spaces);
    for (const [code, at] of noise) {
      const i = at % (key.length + 1);
      key = key.slice(0, i) + String.fromCharCode(code) + key.slice(i);
    }
    // Spaces go strictly inside the key, never first or last (step 6).
    for (const at of gaps) {
      const i = 1 + (at % (key.length - 1));
      key = `${key.slice(0, i)} ${key.slice(i)}`;
    }
    return key;
  });

function draftHeaders(draft: DraftId): fc.Arbitrary<{ lines: Line[]; body: Buffer }> {
  const connection = fc.constantFrom('Upgrade', 'upgrade', 'keep-alive, Upgrade', 'Upgrade, Keep-Alive');
  if (draft === 'hixie-75' || draft === 'hixie-76') {
    return fc
      .record({
        host,
        origin,
        connection,
        protocol: fc.option(token, { nil: undefined }),
        key1: hixieKey,
        key2: hixieKey,
        key3: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      })
      .map((r) => {
        const lines: Line[] = [
          ['Upgrade', 'WebSocket'],
          ['Connection', r.connection],
          ['Host', r.host],
          ['Origin', r.origin],
        ];
        if (draft === 'hixie-75') {
          if (r.protocol !== undefined) lines.push(['WebSocket-Protocol', r.protocol]);
          return { lines, body: Buffer.alloc(0) };
        }
        lines.push(['Sec-WebSocket-Key1', r.key1], ['Sec-WebSocket-Key2', r.key2]);
        if (r.protocol !== undefined) lines.push(['Sec-WebSocket-Protocol', r.protocol]);
        return { lines, body: Buffer.from(r.key3) };
      });
  }
  return fc
    .record({
      host,
      origin,
      connection,
      upgrade: recase('websocket'),
      key: hybiKey,
      protocols: fc.uniqueArray(token, { maxLength: 3 }),
    })
    .map((r) => {
      const lines: Line[] = [
        ['Upgrade', r.upgrade],
        ['Connection', r.connection],
        ['Host', r.host],
        [draft === 'rfc6455' ? 'Origin' : 'Sec-WebSocket-Origin', r.origin],
        ['Sec-WebSocket-Key', r.key],
        ['Sec-WebSocket-Version', VERSION[draft]!],
      ];
      if (r.protocols.length > 0) lines.push(['Sec-WebSocket-Protocol', r.protocols.join(', ')]);
      return { lines, body: Buffer.alloc(0) };
    });
}

/** A valid handshake request of `draft`, as bytes a client could have sent. */
export function validRequest(draft: DraftId): fc.Arbitrary<GeneratedRequest> {
  return draftHeaders(draft).chain(({ lines, body }) =>
    fc
      .record({
        path,
        extras: fc.array(extraHeader, { maxLength: 4 }),
        names: fc.tuple(...lines.map(([n]) => recase(n))),
        pads: fc.array(fc.tuple(fc.constantFrom('', ' ', '  ', '\t'), fc.constantFrom('', ' ', '\t')), {
          minLength: lines.length,
          maxLength: lines.length,
        }),
        eol: fc.constantFrom('\r\n', '\n'),
      })
      .chain((r) => {
        const recased = lines.map(([, v], i) => `${r.names[i]}:${r.pads[i]![0]}${v}${r.pads[i]![1]}`);
        const all = [...recased, ...r.extras.map(([n, v]) => `${n}: ${v}`)];
        return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }).map((order) => ({
          draft,
          bytes: Buffer.concat([
            Buffer.from(`GET ${r.path} HTTP/1.1${r.eol}${order.join(r.eol)}${r.eol}${r.eol}`, 'latin1'),
            body,
          ]),
        }));
      }),
  );
}

export const anyValidRequest: fc.Arbitrary<GeneratedRequest> = fc
  .constantFrom(...ALL_DRAFTS)
  .chain((d) => validRequest(d));
