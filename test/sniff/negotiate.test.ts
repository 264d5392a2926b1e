// negotiate(): sniff + path + the draft's own acceptRequest, on real requests and generated ones (drafts.md §6, §8).
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestHead } from '../../src/core/http-head.js';
import type { HeaderLine, RequestHead } from '../../src/core/types.js';
import { ALL_DRAFTS } from '../../src/core/types.js';
import { inspect } from '../../src/sniff/inspect.js';
import { negotiate, targetPath } from '../../src/sniff/negotiate.js';
import { runs } from '../support/fc-runs.js';
import { anyValidRequest } from './generators.js';
import { CAPTURES } from './requests.js';

const OPTIONS = { drafts: ALL_DRAFTS, secure: false } as const;

function parse(bytes: Buffer): { head: RequestHead; body: Buffer } {
  const r = parseRequestHead(bytes);
  if (r.kind !== 'head') throw new Error('capture does not parse');
  return { head: r.head, body: bytes.subarray(r.consumed) };
}

const headerOf = (response: Buffer, name: string): string | undefined => {
  const line = response
    .toString('latin1')
    .split('\r\n')
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
};

describe('negotiate: real requests', () => {
  for (const c of CAPTURES) {
    it(`${c.name} -> 101 ${c.draft}`, () => {
      const { head, body } = parse(c.bytes);
      const n = negotiate(head, OPTIONS);
      if (!n.ok) throw new Error(`rejected: ${n.rejection.status} ${n.rejection.reason}`);
      expect(n.draft).toBe(c.draft);
      expect(n.accept.response.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
      if (c.draft === 'hixie-76') expect(n.accept.bodyLength).toBe(8);
      else expect(n.accept.bodyLength).toBe(0);
      if (c.draft === 'rfc6455' || c.draft.startsWith('hybi')) {
        const key = head.headers.find(([name]) => name.toLowerCase() === 'sec-websocket-key')![1];
        const expected = createHash('sha1')
          .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
          .digest('base64');
        expect(headerOf(n.accept.response, 'Sec-WebSocket-Accept')).toBe(expected);
      }
      if (c.draft === 'hixie-76') expect(n.accept.answerBody(body.subarray(0, 8)).length).toBe(16);
    });
  }

  it('answers the hixie-76 spec example with its MD5 vector (drafts.md §10.1 H76-1)', () => {
    const spec = CAPTURES.find((c) => c.name === 'hixie-76 spec example 1')!;
    const { head, body } = parse(spec.bytes);
    const n = negotiate(head, OPTIONS);
    if (!n.ok) throw new Error('rejected');
    expect(n.accept.answerBody(body).toString('latin1')).toBe("8jKS'y:G*Co,Wxa-");
  });
});

describe('negotiate: rejections', () => {
  const rfc = parse(CAPTURES.find((c) => c.name === 'RFC 6455 §1.3 example')!.bytes).head;
  const replace = (h: RequestHead, name: string, value: string): RequestHead => ({
    ...h,
    headers: h.headers.map(([n, v]): HeaderLine => [n, n.toLowerCase() === name.toLowerCase() ? value : v]),
  });

  it('plain HTTP handed to negotiate gets 426 naming websocket and the versions', () => {
    const n = negotiate(
      { method: 'GET', target: '/', httpVersion: '1.1', headers: [['Host', 'h']] },
      OPTIONS,
    );
    expect(n).toEqual({
      ok: false,
      draft: undefined,
      rejection: {
        ok: false,
        status: 426,
        reason: 'not a WebSocket request',
        headers: [
          ['Upgrade', 'websocket'],
          ['Connection', 'Upgrade'],
          ['Sec-WebSocket-Version', '13, 8, 7'],
        ],
      },
    });
  });

  it('passes sniff rejections through unchanged', () => {
    const n = negotiate(replace(rfc, 'Sec-WebSocket-Version', '6'), OPTIONS);
    expect(n).toMatchObject({ ok: false, draft: undefined, rejection: { status: 426 } });
  });

  it("returns the draft's own rejection with the draft", () => {
    const n = negotiate(replace(rfc, 'Sec-WebSocket-Key', 'YQ=='), OPTIONS);
    expect(n).toMatchObject({ ok: false, draft: 'rfc6455', rejection: { status: 400 } });
  });

  it('checks the exact path, ignoring the query: 404 elsewhere', () => {
    expect(negotiate(rfc, { ...OPTIONS, path: '/chat' }).ok).toBe(true);
    expect(negotiate({ ...rfc, target: '/chat?room=1' }, { ...OPTIONS, path: '/chat' }).ok).toBe(true);
    expect(negotiate({ ...rfc, target: '/chat/' }, { ...OPTIONS, path: '/chat' })).toMatchObject({
      ok: false,
      draft: 'rfc6455',
      rejection: { status: 404, headers: [] },
    });
  });

  it('a malformed request is refused before the path is looked at', () => {
    const n = negotiate(replace({ ...rfc, target: '/nope' }, 'Sec-WebSocket-Version', 'x'), {
      ...OPTIONS,
      path: '/chat',
    });
    expect(n).toMatchObject({ ok: false, rejection: { status: 400 } });
  });

  it('reads the path of origin-form and absolute-form targets', () => {
    expect(targetPath('/a/b?c=d')).toBe('/a/b');
    expect(targetPath('/a#frag')).toBe('/a');
    expect(targetPath('http://example.com:80/x?y')).toBe('/x');
    expect(targetPath('ws://example.com')).toBe('/');
    expect(targetPath('*')).toBe('*');
  });
});

describe('negotiate properties', () => {
  it('accepts every generated valid handshake with the draft sniff chose', () => {
    fc.assert(
      fc.property(anyValidRequest, ({ draft, bytes }) => {
        const { head, body } = parse(bytes);
        expect(inspect(head, body).problems.filter((p) => p.severity === 'error')).toEqual([]);
        const n = negotiate(head, OPTIONS);
        if (!n.ok) throw new Error(`${draft} rejected: ${n.rejection.status} ${n.rejection.reason}`);
        expect(n.draft).toBe(draft);
      }),
      { numRuns: runs(1000) },
    );
  });
});
