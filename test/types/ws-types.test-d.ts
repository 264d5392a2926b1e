// Type tests for wscompat/ws: code typed against @types/ws compiles unchanged, with the same listener
// argument types; both verifyClient forms get their parameters inferred.
import type { IncomingMessage } from 'node:http';
import { describe, expectTypeOf, it } from 'vitest';
import WebSocket, { type RawData, WebSocketServer } from 'wscompat/ws';

declare const ws: WebSocket;

describe('wscompat/ws types', () => {
  it('types the ws events as @types/ws does', () => {
    ws.on('message', (data, isBinary) => {
      expectTypeOf(data).toEqualTypeOf<RawData>();
      expectTypeOf(isBinary).toEqualTypeOf<boolean>();
    });
    ws.on('close', (code, reason) => {
      expectTypeOf(code).toEqualTypeOf<number>();
      expectTypeOf(reason).toEqualTypeOf<Buffer>();
    });
    ws.once('upgrade', (res) => expectTypeOf(res).toEqualTypeOf<IncomingMessage>());
    expectTypeOf(ws.readyState).toEqualTypeOf<0 | 1 | 2 | 3>();
    expectTypeOf(WebSocket.OPEN).toEqualTypeOf<1>();
    expectTypeOf(ws.binaryType).toEqualTypeOf<'nodebuffer' | 'arraybuffer' | 'fragments'>();
    // @ts-expect-error binaryType is one of three strings
    ws.binaryType = 'blob';
    // @ts-expect-error the close code is a number
    ws.close('1000');
  });

  it('infers both verifyClient forms and types connection listeners', () => {
    const wss = new WebSocketServer({
      noServer: true,
      verifyClient: (info) => {
        expectTypeOf(info.req).toEqualTypeOf<IncomingMessage>();
        return info.origin === 'https://example.com';
      },
      handleProtocols: (protocols) => {
        expectTypeOf(protocols).toEqualTypeOf<Set<string>>();
        return false;
      },
    });
    new WebSocketServer({ noServer: true, verifyClient: (_info, cb) => cb(false, 401, 'no') });
    wss.on('connection', (socket, req) => {
      expectTypeOf(socket).toEqualTypeOf<WebSocket>();
      expectTypeOf(req).toEqualTypeOf<IncomingMessage>();
    });
    expectTypeOf(WebSocket.Server).toEqualTypeOf<typeof WebSocketServer>();
    // @ts-expect-error clientTracking is a boolean
    new WebSocketServer({ noServer: true, clientTracking: 'yes' });
  });
});
