// Pins the public surface: adding or removing an export must be a deliberate change to this list.
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import * as testing from '../src/testing/index.js';
import * as wsApi from '../src/ws/index.js';

describe('public exports', () => {
  it('are exactly the documented runtime names', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'ALL_DRAFTS',
        'CloseEvent',
        'Connection',
        'DRAFTS',
        'FAULT_CLOSE_CODES',
        'Gateway',
        'HandshakeError',
        'ProtocolFault',
        'UsageError',
        'WebSocket',
        'WsServer',
        'connect',
        'createGateway',
        'createServer',
        'getDraft',
        'isDraftId',
        'negotiate',
        'parseRequestHead',
        'parseResponseHead',
        'sniff',
      ].sort(),
    );
  });

  it('wscompat/ws exports what ws 8 does (its ESM wrapper names, the class as default)', () => {
    expect(Object.keys(wsApi).sort()).toEqual(
      ['Server', 'WebSocket', 'WebSocketServer', 'createWebSocketStream', 'default'].sort(),
    );
    expect(wsApi.default).toBe(wsApi.WebSocket);
    expect(wsApi.WebSocket.Server).toBe(wsApi.WebSocketServer);
    expect(wsApi.WebSocket.OPEN).toBe(1);
  });

  it('wscompat/testing exports exactly the replay helpers', () => {
    expect(Object.keys(testing).sort()).toEqual(
      [
        'TraceMismatch',
        'assertTracePassed',
        'jestReplay',
        'nodeTestReplay',
        'replayFixtures',
        'traceFiles',
        'vitestReplay',
      ].sort(),
    );
  });

  it('registers all five drafts under their ids, newest first', () => {
    expect(api.ALL_DRAFTS).toEqual(['rfc6455', 'hybi-10', 'hybi-07', 'hixie-76', 'hixie-75']);
    for (const id of api.ALL_DRAFTS) expect(api.getDraft(id).id).toBe(id);
    expect(api.isDraftId('hybi-10')).toBe(true);
    expect(api.isDraftId('hybi-13')).toBe(false);
  });

  it('exposes the RFC 6455 accept computation through the rfc6455 draft', () => {
    const head = api.parseRequestHead(
      Buffer.from(
        'GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\n' +
          'Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    );
    if (head.kind !== 'head') throw new Error('head did not parse');
    const result = api.negotiate(head.head, {
      secure: false,
      drafts: api.ALL_DRAFTS,
      selectProtocol: (p) => p[0],
    });
    if (!result.ok) throw new Error(result.rejection.reason);
    const text = result.accept.response.toString('latin1');
    expect(text).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
    expect(text).toContain('Sec-WebSocket-Protocol: chat\r\n');
    expect(result.draft).toBe('rfc6455');
  });
});
