// readHandshakeResponse: the one reader of a server's answer, shared by the Node client and the replay clients.
import { describe, expect, it } from 'vitest';
import { readHandshakeResponse } from '../../src/core/client-handshake.js';
import { seededRng } from '../../src/core/rng.js';
import { getDraft } from '../../src/drafts.js';

const request76 = () =>
  getDraft('hixie-76').buildRequest({ url: new URL('ws://127.0.0.1:9/x'), protocols: [], rng: seededRng(3) });

describe('readHandshakeResponse', () => {
  it('waits for the head, then for hixie-76 16-byte body, before verifying', () => {
    const req = request76();
    const head = Buffer.from('HTTP/1.1 101 WebSocket Protocol Handshake\r\nUpgrade: WebSocket\r\n');
    expect(readHandshakeResponse(head, req)).toEqual({ kind: 'wait' });
    const full = Buffer.concat([head, Buffer.from('Connection: Upgrade\r\n\r\n'), Buffer.alloc(15)]);
    expect(readHandshakeResponse(full, req)).toEqual({ kind: 'wait' });
    const answered = readHandshakeResponse(Buffer.concat([full, Buffer.alloc(1)]), req);
    // Missing Origin/Location and a wrong MD5: verify refuses, and the head is kept for the caller.
    expect(answered).toMatchObject({ kind: 'refused', head: { status: 101 } });
  });

  it('refuses a non-101 at once, keeping the head (its version list), without waiting for a body', () => {
    const res = Buffer.from(
      'HTTP/1.1 426 Upgrade Required\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13, 8\r\n\r\n',
    );
    const answer = readHandshakeResponse(res, request76());
    expect(answer).toMatchObject({ kind: 'refused', reason: 'server answered 426 Upgrade Required' });
    expect(answer.kind === 'refused' && answer.head?.headers).toContainEqual([
      'Sec-WebSocket-Version',
      '13, 8',
    ]);
  });

  it('refuses malformed and oversized heads without a head', () => {
    expect(readHandshakeResponse(Buffer.from('SSH-2.0-x\r\n\r\n'), request76())).toMatchObject({
      kind: 'refused',
      head: undefined,
    });
    const huge = Buffer.alloc(16 * 1024 + 64, 0x61);
    expect(readHandshakeResponse(huge, request76())).toMatchObject({
      kind: 'refused',
      head: undefined,
      reason: expect.stringMatching(/too large|malformed/),
    });
  });
});
