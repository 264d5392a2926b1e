// Either end of a pairing that is a WebSocket: the client's Connection from createServer (any draft) or the
// RFC 6455 upstream from connect(), adapted to a Side; pause()/resume() give TCP backpressure.
import { closeCodeFor } from '../connection/close-codes.js';
import type { Connection } from '../connection/connection.js';
import { HOLD_CLOSE_REPLY } from '../connection/internal.js';
import type { CloseSpec } from './policy.js';
import type { Side, SideEvents } from './side.js';

/**
 * Adapts an open Connection. A close that happens before the bridge binds (an upstream dropping while the
 * client's handshake is still running) is kept and reported on bind, so no pairing waits forever.
 */
export function connectionSide(conn: Connection): Side {
  let early: [code: number, reason: string, wasClean: boolean] | undefined;
  let closing: (code: number, reason: string, clean: boolean) => void = () => {};
  const keep = (code: number, reason: string, wasClean: boolean): void => {
    early = [code, reason, wasClean];
  };
  conn.once('close', keep);
  // Faults are reported again by 'close' with their code; a listener keeps them from throwing.
  conn.on('error', () => {});
  // The peer's close is relayed to the other side; this one answers when that side did (bridge.ts).
  conn[HOLD_CLOSE_REPLY]((code, reason, clean) => closing(code, reason, clean));
  return {
    caps: conn.caps,
    get bufferedAmount() {
      return conn.bufferedAmount;
    },
    send(data, done) {
      const before = conn.undelivered;
      // False and an error in the callback when nothing could be written; never a throw.
      conn.send(data, (err) => done(!err && conn.undelivered === before));
    },
    close(spec) {
      closeConnection(conn, spec);
    },
    terminate() {
      conn.terminate();
    },
    pause() {
      conn.pause();
    },
    resume() {
      conn.resume();
    },
    bind(events: SideEvents) {
      conn.off('close', keep);
      closing = (code, reason, clean) => events.closing(code, reason, clean);
      conn.on('message', (data: Buffer, isBinary: boolean) => {
        events.activity();
        events.message(data, isBinary);
      });
      conn.on('ping', () => events.activity());
      conn.on('pong', () => events.activity());
      conn.on('close', (code: number, reason: string, wasClean: boolean) =>
        events.close(code, reason, wasClean),
      );
      if (early) {
        const [code, reason, wasClean] = early;
        queueMicrotask(() => events.close(code, reason, wasClean));
      }
      // The side may have been held paused until someone listened (see upstream-ws.ts).
      conn.resume();
    },
  };
}

/**
 * Any code, never a throw: close() maps RFC 6455 codes to what the draft carries (close-codes.ts); codes
 * that may never be on the wire (1004-1006, 1015, ...) become a close without a code first.
 */
export function closeConnection(conn: Connection, spec: CloseSpec): void {
  if (conn.readyState === conn.CONNECTING || conn.readyState === conn.CLOSED) return;
  const code = closeCodeFor('rfc6455', spec.code);
  if (code === undefined) conn.close();
  else conn.close(code, spec.reason);
}
