// hixie-75 handshakes: the exact 85-byte prefix, Origin/Location/Protocol echoes, the client request of
// the draft's example, and the client's byte-exact prefix check (drafts.md §1).
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/faults.js';
import { parseRequestHead, parseResponseHead } from '../../src/core/http-head.js';
import { seededRng } from '../../src/core/rng.js';
import type {
  ClientHandshakeOptions,
  HeaderLine,
  RequestHead,
  ServerHandshakeOptions,
} from '../../src/core/types.js';
import { HIXIE75_RESPONSE_PREFIX } from '../../src/hixie75/handshake.js';
import { hixie75 } from '../../src/hixie75/index.js';

const SERVER: ServerHandshakeOptions = { secure: false, drafts: ['hixie-75'] };

/** drafts.md §1 "Request", as CocoaHTTPServer reproduces the draft's example. */
const SPEC_REQUEST =
  'GET /demo HTTP/1.1\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nHost: example.com\r\n' +
  'Origin: http://example.com\r\nWebSocket-Protocol: sample\r\n\r\n';

const SPEC_RESPONSE =
  'HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n' +
  'WebSocket-Origin: http://example.com\r\nWebSocket-Location: ws://example.com/demo\r\n' +
  'WebSocket-Protocol: sample\r\n\r\n';

function parseRequest(text: string): RequestHead {
  const r = parseRequestHead(Buffer.from(text, 'latin1'));
  if (r.kind !== 'head') throw new Error('request did not parse');
  return r.head;
}

function accept(head: RequestHead, options = SERVER): Buffer {
  const r = hixie75.acceptRequest(head, options);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  expect(r.bodyLength).toBe(0);
  expect(r.answerBody(Buffer.alloc(0))).toHaveLength(0);
  return r.response;
}

const withHeaders = (headers: readonly HeaderLine[], target = '/demo'): RequestHead => ({
  method: 'GET',
  target,
  httpVersion: '1.1',
  headers,
});

describe('hixie-75 server', () => {
  it('the prefix clients compare is 85 bytes', () => {
    expect(HIXIE75_RESPONSE_PREFIX).toHaveLength(85);
  });

  it("answers the draft's example byte for byte", () => {
    const r = hixie75.acceptRequest(parseRequest(SPEC_REQUEST), SERVER);
    expect(r).toMatchObject({ ok: true, protocol: 'sample', extensions: '', bodyLength: 0 });
    expect(accept(parseRequest(SPEC_REQUEST)).toString('latin1')).toBe(SPEC_RESPONSE);
  });

  it('omits WebSocket-Origin without an Origin (never an empty header) and Protocol when none was sent', () => {
    const res = accept(
      withHeaders([
        ['Upgrade', 'WebSocket'],
        ['Connection', 'Upgrade'],
        ['Host', 'example.com:8080'],
      ]),
    );
    expect(res.subarray(0, 85)).toEqual(HIXIE75_RESPONSE_PREFIX);
    expect(res.toString('latin1').slice(85)).toBe('WebSocket-Location: ws://example.com:8080/demo\r\n\r\n');
  });

  it('says wss:// under TLS and keeps the query', () => {
    const res = accept(
      withHeaders(
        [
          ['Upgrade', 'WebSocket'],
          ['Connection', 'Upgrade'],
          ['Host', 'example.com'],
        ],
        '/x?y=1',
      ),
      { ...SERVER, secure: true },
    );
    expect(res.toString('latin1')).toContain('\r\nWebSocket-Location: wss://example.com/x?y=1\r\n');
  });

  it('echoes the subprotocol verbatim', () => {
    const res = accept(
      withHeaders([
        ['Upgrade', 'WebSocket'],
        ['Connection', 'Upgrade'],
        ['Host', 'h'],
        ['WebSocket-Protocol', 'Sample, Other'],
      ]),
    );
    expect(res.toString('latin1')).toContain('\r\nWebSocket-Protocol: Sample, Other\r\n');
  });

  it('refuses a missing Host, a duplicated Origin, a wrong Upgrade with a plain 400', () => {
    const base: HeaderLine[] = [
      ['Upgrade', 'WebSocket'],
      ['Connection', 'Upgrade'],
      ['Host', 'h'],
    ];
    const cases = [
      withHeaders(base.filter(([n]) => n !== 'Host')),
      withHeaders([...base, ['Origin', 'a'], ['Origin', 'b']]),
      withHeaders([['Upgrade', 'h2c'], ...base.slice(1)]),
      withHeaders(base.filter(([n]) => n !== 'Connection')),
    ];
    for (const head of cases)
      expect(hixie75.acceptRequest(head, SERVER)).toMatchObject({ ok: false, status: 400, headers: [] });
  });
});

function clientOptions(overrides: Partial<ClientHandshakeOptions> = {}): ClientHandshakeOptions {
  return {
    url: new URL('ws://example.com/demo'),
    protocols: ['sample'],
    origin: 'http://example.com',
    rng: seededRng(3),
    ...overrides,
  };
}

function verifyRaw(options: ClientHandshakeOptions, raw: string) {
  const bytes = Buffer.from(raw, 'latin1');
  const parsed = parseResponseHead(bytes);
  if (parsed.kind !== 'head') throw new Error('response did not parse');
  return hixie75
    .buildRequest(options)
    .verify(parsed.head, Buffer.alloc(0), bytes.subarray(0, parsed.consumed));
}

describe('hixie-75 client', () => {
  it("sends the draft's example request byte for byte, with no body", () => {
    const built = hixie75.buildRequest(clientOptions());
    expect(built.bytes.toString('latin1')).toBe(SPEC_REQUEST);
    expect(built.responseBodyLength).toBe(0);
  });

  it('puts a non-default port in Host, and the query in the target', () => {
    const built = hixie75.buildRequest({
      url: new URL('ws://example.com:8080/x?y=1'),
      protocols: [],
      rng: seededRng(3),
    });
    const text = built.bytes.toString('latin1');
    expect(text.startsWith('GET /x?y=1 HTTP/1.1\r\n')).toBe(true);
    expect(text).toContain('\r\nHost: example.com:8080\r\n');
    expect(text).not.toContain('Protocol');
    expect(text).not.toContain('Origin');
  });

  it('accepts the spec response and our own server', () => {
    expect(verifyRaw(clientOptions(), SPEC_RESPONSE)).toEqual({
      ok: true,
      protocol: 'sample',
      extensions: '',
    });
    const ours = accept(parseRequest(hixie75.buildRequest(clientOptions()).bytes.toString('latin1')));
    expect(verifyRaw(clientOptions(), ours.toString('latin1')).ok).toBe(true);
  });

  it('compares the first 85 bytes exactly: reason phrase, order and case matter', () => {
    const bad = [
      SPEC_RESPONSE.replace('Web Socket Protocol Handshake', 'WebSocket Protocol Handshake'),
      SPEC_RESPONSE.replace('Web Socket Protocol Handshake', 'Switching Protocols'),
      SPEC_RESPONSE.replace('Upgrade: WebSocket', 'Upgrade: websocket'),
      SPEC_RESPONSE.replace(
        'Upgrade: WebSocket\r\nConnection: Upgrade',
        'Connection: Upgrade\r\nUpgrade: WebSocket',
      ),
      SPEC_RESPONSE.replace('HTTP/1.1', 'HTTP/1.0'),
    ];
    for (const raw of bad) expect(verifyRaw(clientOptions(), raw).ok).toBe(false);
  });

  it('checks Origin, Location and Protocol echoes', () => {
    const bad = [
      SPEC_RESPONSE.replace('WebSocket-Origin: http://example.com', 'WebSocket-Origin: http://evil.example'),
      SPEC_RESPONSE.replace('ws://example.com/demo', 'wss://example.com/demo'),
      SPEC_RESPONSE.replace('ws://example.com/demo', 'ws://example.com/other'),
      SPEC_RESPONSE.replace('WebSocket-Protocol: sample\r\n', ''),
      SPEC_RESPONSE.replace('WebSocket-Protocol: sample', 'WebSocket-Protocol: Sample'),
    ];
    for (const raw of bad) expect(verifyRaw(clientOptions(), raw).ok).toBe(false);
  });

  it('offering more than one protocol is a UsageError at build time', () => {
    expect(() => hixie75.buildRequest(clientOptions({ protocols: ['a', 'b'] }))).toThrow(UsageError);
  });
});
