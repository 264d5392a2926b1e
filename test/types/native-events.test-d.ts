// Type tests for the native API's events: run by `tsc --noEmit` (CI) and by vitest's typecheck mode.
// Each @ts-expect-error line must fail to compile: if the types regress (an untyped or string fallback
// overload comes back), the directive itself becomes the error.
import type { IncomingMessage } from 'node:http';
import { describe, expectTypeOf, it } from 'vitest';
import { type Connection, createServer, type WsServer } from '../../src/index.js';

declare const conn: Connection;
declare const server: WsServer;

describe('Connection events', () => {
  it('types each listener by event name', () => {
    conn.on('message', (data, isBinary) => {
      expectTypeOf(data).toEqualTypeOf<Buffer>();
      expectTypeOf(isBinary).toEqualTypeOf<boolean>();
    });
    conn.once('close', (code, reason, wasClean) => {
      expectTypeOf(code).toEqualTypeOf<number>();
      expectTypeOf(reason).toEqualTypeOf<string>();
      expectTypeOf(wasClean).toEqualTypeOf<boolean>();
    });
    conn.on('messageParts', (parts) => expectTypeOf(parts).toEqualTypeOf<Buffer[]>());
    expectTypeOf(conn.receiveParts).toEqualTypeOf<boolean>();
    conn.addListener('ping', (data) => expectTypeOf(data).toEqualTypeOf<Buffer>());
    conn.off('error', (err) => expectTypeOf(err).toEqualTypeOf<Error>());
    expectTypeOf(conn.on('open', () => {})).toEqualTypeOf<Connection>();
  });

  it('rejects misspelt events and wrong listeners', () => {
    // @ts-expect-error 'mesage' is not an event
    conn.on('mesage', () => {});
    // @ts-expect-error 'opne' is not an event
    conn.once('opne', () => {});
    // @ts-expect-error 'closed' is not an event
    conn.off('closed', () => {});
    // @ts-expect-error 'msg' is not an event
    conn.addListener('msg', () => {});
    conn.on('message', (data) => {
      // @ts-expect-error a Buffer has no such field
      data.definitelyNotAField;
    });
    // @ts-expect-error the close reason is a string, not a number
    conn.on('close', (_code: number, _reason: number) => {});
    // @ts-expect-error 'drain' passes no argument
    conn.emit('drain', 1);
  });
});

describe('WsServer events', () => {
  it('types each listener by event name', () => {
    server.on('connection', (c, req) => {
      expectTypeOf(c).toEqualTypeOf<Connection>();
      expectTypeOf(req).toEqualTypeOf<IncomingMessage>();
    });
    server.once('rejected', (status, reason) => {
      expectTypeOf(status).toEqualTypeOf<number>();
      expectTypeOf(reason).toEqualTypeOf<string>();
    });
    server.addListener('headers', (lines) => expectTypeOf(lines).toEqualTypeOf<string[]>());
    expectTypeOf(createServer({ noServer: true }).on('close', () => {})).toEqualTypeOf<WsServer>();
  });

  it('rejects misspelt events and wrong listeners', () => {
    // @ts-expect-error 'conection' is not an event
    server.on('conection', () => {});
    // @ts-expect-error 'listen' is not an event
    server.once('listen', () => {});
    // @ts-expect-error 'reject' is not an event
    server.off('reject', () => {});
    // @ts-expect-error 'header' is not an event
    server.addListener('header', () => {});
    // @ts-expect-error the connection comes first, the request second
    server.on('connection', (_req: IncomingMessage, _c: Connection) => {});
  });
});
