// hixie-76 handshakes: the spec example answered byte for byte, every §10.1 vector through the server,
// rejections as plain 400s, the client's request read back by our server, and each verify check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/faults.js';
import { parseRequestHead, parseResponseHead } from '../../src/core/http-head.js';
import { seededRng } from '../../src/core/rng.js';
import type {
  AcceptResult,
  ClientHandshakeOptions,
  HeaderLine,
  RequestHead,
  ServerHandshakeOptions,
} from '../../src/core/types.js';
import { hixie76 } from '../../src/hixie76/index.js';
import { runs } from '../support/fc-runs.js';
import { H76_VECTORS, NEGATIVE_KEYS } from './vectors.js';

const SERVER: ServerHandshakeOptions = { secure: false, drafts: ['hixie-76'] };

/** drafts.md §2 "Request (spec example 1)", header order as the spec shows it. */
const SPEC_REQUEST = Buffer.from(
  'GET /demo HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\nSec-WebSocket-Protocol: sample\r\nUpgrade: WebSocket\r\n' +
    'Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nOrigin: http://example.com\r\n\r\n^n:ds[4U',
  'latin1',
);

function parse(bytes: Buffer): { head: RequestHead; rest: Buffer } {
  const r = parseRequestHead(bytes);
  if (r.kind !== 'head') throw new Error(`request did not parse: ${r.kind}`);
  return { head: r.head, rest: bytes.subarray(r.consumed) };
}

function request(headers: readonly HeaderLine[], target = '/demo'): RequestHead {
  return { method: 'GET', target, httpVersion: '1.1', headers };
}

const BASE: readonly HeaderLine[] = [
  ['Host', 'example.com'],
  ['Connection', 'Upgrade'],
  ['Upgrade', 'WebSocket'],
  ['Origin', 'http://example.com'],
];

function expectOk(result: AcceptResult): Extract<AcceptResult, { ok: true }> {
  if (!result.ok) throw new Error(`rejected: ${result.status} ${result.reason}`);
  return result;
}

describe('hixie-76 server', () => {
  it('answers the spec example byte for byte, head first, then 16 bytes with no CRLF', () => {
    const { head, rest } = parse(SPEC_REQUEST);
    const accepted = expectOk(hixie76.acceptRequest(head, SERVER));
    expect(accepted.response.toString('latin1')).toBe(
      'HTTP/1.1 101 WebSocket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Origin: http://example.com\r\nSec-WebSocket-Location: ws://example.com/demo\r\n' +
        'Sec-WebSocket-Protocol: sample\r\n\r\n',
    );
    expect(accepted.protocol).toBe('sample');
    expect(accepted.extensions).toBe('');
    expect(accepted.bodyLength).toBe(8);
    expect(rest).toHaveLength(8);
    expect(accepted.answerBody(rest).toString('latin1')).toBe("8jKS'y:G*Co,Wxa-");
  });

  it.each(H76_VECTORS)('$id through acceptRequest', (v) => {
    const head = request([...BASE, ['Sec-WebSocket-Key1', v.key1], ['Sec-WebSocket-Key2', v.key2]]);
    const accepted = expectOk(hixie76.acceptRequest(head, SERVER));
    expect(accepted.answerBody(v.key3)).toEqual(v.answer);
  });

  it('uses wss:// under TLS, keeps the query, omits Origin when absent, no protocol when none sent', () => {
    const v = H76_VECTORS[0]!;
    const head = request(
      [
        ['Host', 'example.com:8443'],
        ['Connection', 'keep-alive, Upgrade'],
        ['Upgrade', 'websocket'],
        ['Sec-WebSocket-Key1', v.key1],
        ['Sec-WebSocket-Key2', v.key2],
      ],
      '/chat?room=1',
    );
    const res = expectOk(hixie76.acceptRequest(head, { ...SERVER, secure: true })).response.toString(
      'latin1',
    );
    expect(res).toContain('\r\nSec-WebSocket-Location: wss://example.com:8443/chat?room=1\r\n');
    expect(res).not.toContain('Origin');
    expect(res).not.toContain('Protocol:');
  });

  it.each(NEGATIVE_KEYS)('refuses key %j with a plain 400 in either position', (key) => {
    const good = H76_VECTORS[0]!.key1;
    for (const [k1, k2] of [
      [key, good],
      [good, key],
    ] as const) {
      const result = hixie76.acceptRequest(
        request([...BASE, ['Sec-WebSocket-Key1', k1], ['Sec-WebSocket-Key2', k2]]),
        SERVER,
      );
      expect(result).toMatchObject({ ok: false, status: 400, headers: [] });
    }
  });

  it('refuses a missing or duplicated key, a missing Host, a non-GET', () => {
    const v = H76_VECTORS[1]!;
    const k1: HeaderLine = ['Sec-WebSocket-Key1', v.key1];
    const k2: HeaderLine = ['Sec-WebSocket-Key2', v.key2];
    const cases: RequestHead[] = [
      request([...BASE, k1]),
      request([...BASE, k2]),
      request([...BASE, k1, k2, k2]),
      request([...BASE.filter(([n]) => n !== 'Host'), k1, k2]),
      { ...request([...BASE, k1, k2]), method: 'POST' },
    ];
    for (const head of cases)
      expect(hixie76.acceptRequest(head, SERVER)).toMatchObject({ ok: false, status: 400 });
  });

  it('never throws on arbitrary key values', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (k1, k2) => {
        const result = hixie76.acceptRequest(
          request([...BASE, ['Sec-WebSocket-Key1', k1], ['Sec-WebSocket-Key2', k2]]),
          SERVER,
        );
        if (!result.ok) expect(result.status).toBe(400);
      }),
      { numRuns: runs(300) },
    );
  });
});

function clientOptions(overrides: Partial<ClientHandshakeOptions> = {}): ClientHandshakeOptions {
  return {
    url: new URL('ws://example.com/demo'),
    protocols: [],
    origin: 'http://example.com',
    rng: seededRng(1),
    ...overrides,
  };
}

/** Runs our client request through our server: the response head, the 16 bytes, and the verdict. */
function roundTrip(options: ClientHandshakeOptions, secure = false) {
  const built = hixie76.buildRequest(options);
  const { head, rest } = parse(built.bytes);
  const accepted = expectOk(hixie76.acceptRequest(head, { ...SERVER, secure }));
  const body = accepted.answerBody(rest);
  const parsed = parseResponseHead(accepted.response);
  if (parsed.kind !== 'head') throw new Error('response did not parse');
  return { built, head, rest, accepted, body, response: parsed.head };
}

describe('hixie-76 client', () => {
  it('sends head and key3 in one buffer, with the -76 headers', () => {
    const { built, head, rest } = roundTrip(clientOptions({ protocols: ['chat'] }));
    expect(built.bytes.subarray(0, 40).toString('latin1')).toMatch(
      /^GET \/demo HTTP\/1\.1\r\nUpgrade: WebSocket\r\n/,
    );
    expect(rest).toHaveLength(8);
    expect(built.responseBodyLength).toBe(16);
    const names = head.headers.map(([n]) => n);
    expect(names).toEqual([
      'Upgrade',
      'Connection',
      'Host',
      'Origin',
      'Sec-WebSocket-Protocol',
      'Sec-WebSocket-Key1',
      'Sec-WebSocket-Key2',
    ]);
  });

  it('verifies our own server over many seeds, TLS or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), fc.boolean(), (seed, secure) => {
        const url = new URL(`${secure ? 'wss' : 'ws'}://example.com:9000/a/b?c=d`);
        const { built, response, body } = roundTrip(clientOptions({ url, rng: seededRng(seed) }), secure);
        const raw = Buffer.alloc(0);
        expect(built.verify(response, body, raw)).toEqual({ ok: true, protocol: '', extensions: '' });
      }),
      { numRuns: runs(200) },
    );
  });

  it('the same rng gives the same bytes', () => {
    expect(hixie76.buildRequest(clientOptions()).bytes).toEqual(hixie76.buildRequest(clientOptions()).bytes);
  });

  it('offers more than one protocol, or an unprintable one -> UsageError at build time', () => {
    const codeOf = (options: ClientHandshakeOptions): string => {
      try {
        hixie76.buildRequest(options);
      } catch (err) {
        if (err instanceof UsageError) return err.code;
      }
      return 'no error';
    };
    expect(codeOf(clientOptions({ protocols: ['a', 'b'] }))).toBe('MULTIPLE_PROTOCOLS');
    expect(codeOf(clientOptions({ protocols: ['a\r\nX-Injected: 1'] }))).toBe('INVALID_PROTOCOL');
    expect(codeOf(clientOptions({ origin: 'http://a\r\nX: 1' }))).toBe('INVALID_ORIGIN');
    expect(codeOf(clientOptions({ url: new URL('http://example.com/') }))).toBe('INVALID_URL');
    expect(codeOf(clientOptions({ protocols: ['chat room'] }))).toBe('no error');
  });

  it('ignores the reason phrase but checks everything else', () => {
    const { built, response, body } = roundTrip(clientOptions({ protocols: ['chat'] }));
    const raw = Buffer.alloc(0);
    const swap = (name: string, value: string | undefined) => ({
      ...response,
      headers: [
        ...response.headers.filter(([n]) => n !== name),
        ...(value === undefined ? [] : ([[name, value]] as HeaderLine[])),
      ],
    });
    expect(built.verify({ ...response, reason: 'Switching Protocols' }, body, raw).ok).toBe(true);
    expect(built.verify({ ...response, status: 200 }, body, raw).ok).toBe(false);
    expect(built.verify(swap('Upgrade', 'websocket'), body, raw).ok).toBe(false);
    expect(built.verify(swap('Connection', 'keep-alive'), body, raw).ok).toBe(false);
    expect(built.verify(swap('Connection', 'UPGRADE'), body, raw).ok).toBe(true);
    expect(built.verify(swap('Sec-WebSocket-Origin', 'http://evil.example'), body, raw).ok).toBe(false);
    expect(built.verify(swap('Sec-WebSocket-Location', 'wss://example.com/demo'), body, raw).ok).toBe(false);
    expect(built.verify(swap('Sec-WebSocket-Location', undefined), body, raw).ok).toBe(false);
    // iOS 5 behaviour: an offered protocol must come back verbatim.
    expect(built.verify(swap('Sec-WebSocket-Protocol', undefined), body, raw).ok).toBe(false);
    expect(built.verify(swap('Sec-WebSocket-Protocol', 'Chat'), body, raw).ok).toBe(false);
    const wrong = Buffer.from(body);
    wrong[15] = (wrong[15]! + 1) & 0xff;
    expect(built.verify(response, wrong, raw).ok).toBe(false);
    expect(built.verify(response, body.subarray(0, 15), raw).ok).toBe(false);
  });

  it('refuses a protocol it never offered', () => {
    const { built, response, body } = roundTrip(clientOptions());
    const headers: HeaderLine[] = [...response.headers, ['Sec-WebSocket-Protocol', 'chat']];
    expect(built.verify({ ...response, headers }, body, Buffer.alloc(0)).ok).toBe(false);
  });
});
