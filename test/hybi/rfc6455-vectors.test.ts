// RFC 6455 spec vectors: §1.3 handshake, every §5.7 frame example, encoder boundary headers (drafts.md §10.4).
import { describe, expect, it } from 'vitest';
import { parseRequestHead, parseResponseHead } from '../../src/core/http-head.js';
import { replayRng } from '../../src/core/rng.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { codecFor, plain } from './helpers.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const HELLO = Buffer.from('Hello').toString('hex');
const KEY = [0x37, 0xfa, 0x21, 0x3d];

describe('RFC 6455 §1.3 opening handshake', () => {
  const request =
    'GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\n' +
    'Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n';

  it('the server answers with the accept value of the sample nonce', () => {
    const parsed = parseRequestHead(Buffer.from(request, 'latin1'));
    if (parsed.kind !== 'head') throw new Error(parsed.kind);
    const result = rfc6455.acceptRequest(parsed.head, {
      secure: false,
      drafts: ['rfc6455'],
      selectProtocol: (offered) => offered[0],
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.response.toString('latin1')).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n',
    );
    expect(result.protocol).toBe('chat');
    expect(result.bodyLength).toBe(0);
  });

  it('a client with the sample nonce sends the §1.3 request and accepts the §1.3 answer', () => {
    const built = rfc6455.buildRequest({
      url: new URL('ws://server.example.com/chat'),
      protocols: ['chat', 'superchat'],
      origin: 'http://example.com',
      rng: replayRng(Buffer.from('the sample nonce')),
    });
    const text = built.bytes.toString('latin1');
    expect(text.startsWith('GET /chat HTTP/1.1\r\n')).toBe(true);
    for (const line of request.split('\r\n').slice(1).filter(Boolean)) expect(text).toContain(`${line}\r\n`);
    const answer = Buffer.from(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n',
    );
    const head = parseResponseHead(answer);
    if (head.kind !== 'head') throw new Error(head.kind);
    expect(built.verify(head.head, Buffer.alloc(0), answer)).toEqual({
      ok: true,
      protocol: 'chat',
      extensions: '',
    });
  });
});

describe('RFC 6455 §5.7 examples, decoded', () => {
  it('a single-frame unmasked text message', () => {
    expect(plain(codecFor(rfc6455, 'client').push(hex('81 05 48 65 6c 6c 6f')))).toEqual([
      { type: 'text', hex: HELLO },
    ]);
  });

  it('a single-frame masked text message', () => {
    const events = codecFor(rfc6455, 'server').push(hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'));
    expect(plain(events)).toEqual([{ type: 'text', hex: HELLO }]);
  });

  it('a fragmented unmasked text message', () => {
    const codec = codecFor(rfc6455, 'client');
    expect(codec.push(hex('01 03 48 65 6c'))).toEqual([]);
    expect(plain(codec.push(hex('80 02 6c 6f')))).toEqual([{ type: 'text', hex: HELLO }]);
  });

  it('an unmasked ping, answered by a masked pong', () => {
    const codec = rfc6455.createCodec('client', { maxPayload: 1024, rng: replayRng(Buffer.from(KEY)) });
    expect(plain(codec.push(hex('89 05 48 65 6c 6c 6f')))).toEqual([
      { type: 'ping', hex: HELLO },
      { type: 'send', hex: '8a8537fa213d7f9f4d5158' },
    ]);
  });

  it('a masked pong', () => {
    expect(plain(codecFor(rfc6455, 'server').push(hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58')))).toEqual([
      { type: 'pong', hex: HELLO },
    ]);
  });

  it('256 bytes of binary in one unmasked frame', () => {
    const body = Buffer.alloc(256, 0xab);
    const events = codecFor(rfc6455, 'client').push(Buffer.concat([hex('82 7e 01 00'), body]));
    expect(plain(events)).toEqual([{ type: 'binary', hex: body.toString('hex') }]);
  });

  it('64 KiB of binary in one unmasked frame', () => {
    const body = Buffer.alloc(65536, 0x5a);
    const events = codecFor(rfc6455, 'client', 1 << 17).push(
      Buffer.concat([hex('82 7f 00 00 00 00 00 01 00 00'), body]),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'binary' });
    expect(Buffer.compare((events[0] as { data: Buffer }).data, body)).toBe(0);
  });
});

describe('RFC 6455 §5.7 examples, encoded', () => {
  it('server text, client masked text and client masked pong', () => {
    expect(codecFor(rfc6455, 'server').encode({ type: 'text', data: 'Hello' }).toString('hex')).toBe(
      '810548656c6c6f',
    );
    const client = rfc6455.createCodec('client', {
      maxPayload: 1024,
      rng: replayRng(Buffer.from([...KEY, ...KEY])),
    });
    expect(client.encode({ type: 'text', data: 'Hello' }).toString('hex')).toBe('818537fa213d7f9f4d5158');
    expect(client.encode({ type: 'pong', data: Buffer.from('Hello') }).toString('hex')).toBe(
      '8a8537fa213d7f9f4d5158',
    );
  });

  it('fragment-free headers at every length boundary', () => {
    const server = codecFor(rfc6455, 'server');
    const header = (n: number, bytes: number) =>
      server
        .encode({ type: 'text', data: 'a'.repeat(n) })
        .subarray(0, bytes)
        .toString('hex');
    expect(header(125, 2)).toBe('817d');
    expect(header(126, 4)).toBe('817e007e');
    expect(header(65535, 4)).toBe('817effff');
    expect(header(65536, 10)).toBe('817f0000000000010000');
    const bin = (n: number, bytes: number) =>
      server
        .encode({ type: 'binary', data: Buffer.alloc(n) })
        .subarray(0, bytes)
        .toString('hex');
    expect(bin(256, 4)).toBe('827e0100');
    expect(bin(65536, 10)).toBe('827f0000000000010000');
    expect(server.encode({ type: 'close', code: 1000 }).toString('hex')).toBe('880203e8');
  });

  it('every encoded frame has exactly header + payload bytes', () => {
    const server = codecFor(rfc6455, 'server');
    const client = codecFor(rfc6455, 'client');
    for (const n of [0, 1, 125, 126, 127, 65535, 65536]) {
      expect(server.encode({ type: 'binary', data: Buffer.alloc(n) }).length).toBe(
        n + (n < 126 ? 2 : n < 65536 ? 4 : 10),
      );
      expect(client.encode({ type: 'binary', data: Buffer.alloc(n) }).length).toBe(
        n + (n < 126 ? 6 : n < 65536 ? 8 : 14),
      );
    }
  });
});
