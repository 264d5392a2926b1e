// Hybi opening handshakes for every draft (RFC 6455 §4.1, §4.2, §4.4): accepted, refused with 400, verified.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acceptValue } from '../../src/core/crypto.js';
import { UsageError } from '../../src/core/faults.js';
import { parseRequestHead, parseResponseHead } from '../../src/core/http-head.js';
import { replayRng } from '../../src/core/rng.js';
import type { Draft, HeaderLine, RequestHead, ServerHandshakeOptions } from '../../src/core/types.js';
import { hybi07 } from '../../src/hybi07/index.js';
import { hybi10 } from '../../src/hybi10/index.js';
import { rfc6455 } from '../../src/rfc6455/index.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';
const ALL: ServerHandshakeOptions = {
  secure: false,
  drafts: ['rfc6455', 'hybi-10', 'hybi-07', 'hixie-76', 'hixie-75'],
};

function requestFor(draft: Draft, change: (h: HeaderLine[]) => HeaderLine[] = (h) => h): RequestHead {
  const headers: HeaderLine[] = [
    ['Host', 'example.com'],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', KEY],
    [draft.version === 13 ? 'Origin' : 'Sec-WebSocket-Origin', 'http://example.com'],
    ['Sec-WebSocket-Version', String(draft.version)],
  ];
  return { method: 'GET', target: '/chat', httpVersion: '1.1', headers: change(headers) };
}

const without = (name: string) => (h: HeaderLine[]) =>
  h.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
const replace = (name: string, value: string) => (h: HeaderLine[]) =>
  h.map(([n, v]): HeaderLine => (n === name ? [n, value] : [n, v]));
const add = (name: string, value: string) => (h: HeaderLine[]) => [...h, [name, value] as HeaderLine];

for (const draft of [rfc6455, hybi10, hybi07]) {
  describe(`${draft.id} server handshake`, () => {
    it('answers a valid request with exactly the 101 of RFC 6455 §4.2.2', () => {
      const result = draft.acceptRequest(requestFor(draft), ALL);
      if (!result.ok) throw new Error(result.reason);
      expect(result.response.toString('latin1')).toBe(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n\r\n`,
      );
      expect([result.protocol, result.extensions, result.bodyLength]).toEqual(['', '', 0]);
      expect(result.answerBody(Buffer.alloc(0)).length).toBe(0);
    });

    it('accepts header values case-insensitively and Connection as a token list', () => {
      const head = requestFor(draft, (h) =>
        replace('Connection', 'keep-alive, UPGRADE')(replace('Upgrade', 'WebSocket')(h)),
      );
      expect(draft.acceptRequest(head, ALL).ok).toBe(true);
    });

    it('echoes one offered subprotocol; an unoffered choice means none; no offer means no call', () => {
      const head = requestFor(draft, add('Sec-WebSocket-Protocol', 'chat, superchat'));
      const chosen = draft.acceptRequest(head, { ...ALL, selectProtocol: (offered) => offered[1] });
      expect(chosen.ok && chosen.protocol).toBe('superchat');
      expect(chosen.ok && chosen.response.toString('latin1')).toContain(
        '\r\nSec-WebSocket-Protocol: superchat\r\n',
      );
      const rogue = draft.acceptRequest(head, { ...ALL, selectProtocol: () => 'other' });
      expect(rogue.ok && rogue.protocol).toBe('');
      expect(rogue.ok && rogue.response.toString('latin1')).not.toContain('Sec-WebSocket-Protocol');
      let called = false;
      draft.acceptRequest(requestFor(draft), {
        ...ALL,
        selectProtocol: () => {
          called = true;
          return undefined;
        },
      });
      expect(called).toBe(false);
    });

    it('declines extension offers by omission', () => {
      const head = requestFor(
        draft,
        add('Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits'),
      );
      const result = draft.acceptRequest(head, ALL);
      expect(result.ok && result.extensions).toBe('');
      expect(result.ok && result.response.toString('latin1')).not.toContain('Extensions');
    });

    const other = draft.version === 13 ? '8' : '13';
    const malformed: [string, RequestHead][] = [
      ['POST', { ...requestFor(draft), method: 'POST' }],
      ['HTTP/1.0', { ...requestFor(draft), httpVersion: '1.0' }],
      ['no Host', requestFor(draft, without('Host'))],
      ['two Hosts', requestFor(draft, add('Host', 'evil.example'))],
      ['no Upgrade', requestFor(draft, without('Upgrade'))],
      ['Upgrade: h2c', requestFor(draft, replace('Upgrade', 'h2c'))],
      ['Connection without upgrade', requestFor(draft, replace('Connection', 'keep-alive'))],
      ['no key', requestFor(draft, without('Sec-WebSocket-Key'))],
      ['two keys', requestFor(draft, add('Sec-WebSocket-Key', KEY))],
      ['comma-joined keys', requestFor(draft, replace('Sec-WebSocket-Key', `${KEY}, ${KEY}`))],
      ['key that is not base64', requestFor(draft, replace('Sec-WebSocket-Key', 'not base64!'))],
      ['key with trailing garbage', requestFor(draft, replace('Sec-WebSocket-Key', `${KEY}garbage`))],
      // RFC 6455 §4.2.1 item 5 is strict on version 13 only: 7 and 8 take any base64 (as em-websocket did).
      ...(draft.version === 13
        ? ([
            [
              'key with non-zero padding bits',
              requestFor(draft, replace('Sec-WebSocket-Key', 'AQIDBAUGBwgJCgsMDQ4PEC==')),
            ],
            ['key of 1 byte', requestFor(draft, replace('Sec-WebSocket-Key', 'YQ=='))],
            [
              'key of 32 bytes',
              requestFor(draft, replace('Sec-WebSocket-Key', Buffer.alloc(32, 7).toString('base64'))),
            ],
          ] as [string, RequestHead][])
        : []),
      ['no version', requestFor(draft, without('Sec-WebSocket-Version'))],
      ['two versions', requestFor(draft, add('Sec-WebSocket-Version', String(draft.version)))],
      [
        'version list',
        requestFor(draft, replace('Sec-WebSocket-Version', `${draft.version}, ${draft.version}`)),
      ],
      ['another draft’s version', requestFor(draft, replace('Sec-WebSocket-Version', other))],
      [
        'version with a leading zero',
        requestFor(draft, replace('Sec-WebSocket-Version', `0${draft.version}`)),
      ],
      ['subprotocol that is not a token', requestFor(draft, add('Sec-WebSocket-Protocol', 'chat/1'))],
    ];
    for (const [name, head] of malformed) {
      it(`refuses ${name} with 400 and the version list`, () => {
        const result = draft.acceptRequest(head, ALL);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.status).toBe(400);
        expect(result.headers).toEqual([['Sec-WebSocket-Version', '13, 8, 7']]);
        expect(result.reason.length).toBeGreaterThan(0);
      });
    }

    if (draft.version !== 13)
      it('accepts the keys real v7/v8 clients sent: base64 of any length (npm ws 0.4-0.8: 15 bytes)', () => {
        const wsKey = Buffer.from(`8-${1_700_000_000_000}`).toString('base64');
        for (const key of [wsKey, 'YQ==', Buffer.alloc(32, 7).toString('base64')]) {
          const result = draft.acceptRequest(requestFor(draft, replace('Sec-WebSocket-Key', key)), ALL);
          expect(result.ok).toBe(true);
          expect(result.ok && result.response.toString('latin1')).toContain(
            `Sec-WebSocket-Accept: ${createHash('sha1')
              .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
              .digest('base64')}\r\n`,
          );
        }
      });

    it('lists only the versions the server accepts', () => {
      const bad = requestFor(draft, without('Sec-WebSocket-Key'));
      const only = (drafts: ServerHandshakeOptions['drafts']) => {
        const r = draft.acceptRequest(bad, { secure: false, drafts });
        return r.ok ? 'accepted' : r.headers;
      };
      expect(only(['hybi-07', 'rfc6455'])).toEqual([['Sec-WebSocket-Version', '13, 7']]);
      expect(only([draft.id])).toEqual([['Sec-WebSocket-Version', String(draft.version)]]);
      expect(only(['hixie-76'])).toEqual([]);
    });
  });

  describe(`${draft.id} client handshake`, () => {
    const nonce = Buffer.from('the sample nonce');
    const build = (url: string, protocols: string[] = [], extra: HeaderLine[] = []) =>
      draft.buildRequest({ url: new URL(url), protocols, headers: extra, rng: replayRng(nonce) });

    it('writes the request line, Host, key, version and extra headers', () => {
      const text = build(
        'ws://example.com/a/b?x=1',
        ['chat', 'superchat'],
        [['X-Extra', 'yes']],
      ).bytes.toString('latin1');
      expect(text).toBe(
        'GET /a/b?x=1 HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Protocol: chat, superchat\r\n` +
          `Sec-WebSocket-Version: ${draft.version}\r\nX-Extra: yes\r\n\r\n`,
      );
      const parsed = parseRequestHead(build('ws://example.com/').bytes);
      expect(parsed.kind === 'head' && parsed.head.target).toBe('/');
    });

    it('puts the port in Host only when it is not the default', () => {
      const host = (url: string) => /\r\nHost: ([^\r]*)\r\n/.exec(build(url).bytes.toString('latin1'))?.[1];
      expect(host('ws://h:80/')).toBe('h');
      expect(host('wss://h:443/')).toBe('h');
      expect(host('ws://h:8080/')).toBe('h:8080');
      expect(host('wss://h:80/')).toBe('h:80');
      expect(host('ws://[::1]:9000/')).toBe('[::1]:9000');
    });

    it('refuses URLs and subprotocols it could never send', () => {
      const code = (fn: () => unknown) => {
        try {
          fn();
        } catch (err) {
          return err instanceof UsageError ? err.code : 'other';
        }
        return 'none';
      };
      expect(code(() => build('http://h/'))).toBe('INVALID_URL');
      expect(code(() => build('ws://h/', ['a b']))).toBe('INVALID_PROTOCOL');
      expect(code(() => build('ws://h/', ['a', 'a']))).toBe('INVALID_PROTOCOL');
    });

    it('completes against its own server', () => {
      const built = build('ws://example.com/chat', ['chat']);
      const req = parseRequestHead(built.bytes);
      if (req.kind !== 'head') throw new Error(req.kind);
      const accepted = draft.acceptRequest(req.head, { ...ALL, selectProtocol: (o) => o[0] });
      if (!accepted.ok) throw new Error(accepted.reason);
      const res = parseResponseHead(accepted.response);
      if (res.kind !== 'head') throw new Error(res.kind);
      expect(built.verify(res.head, Buffer.alloc(0), accepted.response)).toEqual({
        ok: true,
        protocol: 'chat',
        extensions: '',
      });
    });

    const good: HeaderLine[] = [
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Accept', acceptValue(KEY)],
    ];
    const verify = (status: number, headers: HeaderLine[], protocols: string[] = ['chat']) =>
      build('ws://h/', protocols).verify(
        { httpVersion: '1.1', status, reason: '', headers },
        Buffer.alloc(0),
        Buffer.alloc(0),
      );

    it('accepts a 101 without a subprotocol, and mixed-case header values', () => {
      expect(verify(101, good)).toEqual({ ok: true, protocol: '', extensions: '' });
      expect(verify(101, [['upgrade', 'WebSocket'], ['connection', 'upgrade'], good[2]!]).ok).toBe(true);
    });

    const failures: [string, number, HeaderLine[], string[]?][] = [
      ['a status other than 101', 200, good],
      ['a missing Upgrade', 101, good.slice(1)],
      ['a missing Connection upgrade', 101, [good[0]!, ['Connection', 'keep-alive'], good[2]!]],
      ['a missing accept', 101, good.slice(0, 2)],
      [
        'a wrong accept',
        101,
        [...good.slice(0, 2), ['Sec-WebSocket-Accept', acceptValue('AAAAAAAAAAAAAAAAAAAAAA==')]],
      ],
      ['two accepts', 101, [...good, good[2]!]],
      ['a subprotocol that was not offered', 101, [...good, ['Sec-WebSocket-Protocol', 'other']]],
      ['a subprotocol when none was offered', 101, [...good, ['Sec-WebSocket-Protocol', 'chat']], []],
      ['two subprotocols', 101, [...good, ['Sec-WebSocket-Protocol', 'chat, chat']]],
      [
        'an extension that was not offered',
        101,
        [...good, ['Sec-WebSocket-Extensions', 'permessage-deflate']],
      ],
    ];
    for (const [name, status, headers, protocols] of failures) {
      it(`rejects ${name}`, () => {
        const verdict = verify(status, headers, protocols);
        expect(verdict.ok).toBe(false);
        expect(!verdict.ok && verdict.reason.length > 0).toBe(true);
      });
    }
  });
}

describe('cross-draft', () => {
  it('each draft refuses the others’ versions', () => {
    for (const server of [rfc6455, hybi10, hybi07])
      for (const client of [rfc6455, hybi10, hybi07])
        expect(server.acceptRequest(requestFor(client), ALL).ok).toBe(server === client);
  });
});
