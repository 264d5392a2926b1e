// Either end of a pairing that is a WebSocket: the client's Connection from createServer (any draft) or the
// RFC 6455 upstream from connect(), adapted to a Side; pause()/resume() give TCP backpressure.
import type { Connection } from '../connection/connection.js';
import type { CloseSpec } from './policy.js';
import type { Side, SideEvents } from './side.js';

/**
 * Adapts an open Connection. A close that happens before the bridge binds (an upstream dropping while the
 * client's handshake is still running) is kept and reported on bind, so no pairing waits forever.
 */
export function connectionSide(conn: Connection): Side {
  let early: [code: number, reason: string, wasClean: boolean] | undefined;
  const keep = (code: number, reason: string, wasClean: boolean): void => {
    early = [code, reason, wasClean];
  };
  conn.once('close', keep);
  // Faults are reported again by 'close' with their code; a listener keeps them from throwing.
  conn.on('error', () => {});
  return {
    caps: conn.caps,
    get bufferedAmount() {
      return conn.bufferedAmount;
    },
    send(data, flushed) {
      if (conn.readyState !== 1) return;
      conn.send(data, () => flushed());
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
 * Connection.close() refuses some codes an upstream may legitimately send (1012-1014 from the IANA
 * registry, which old drafts do not know): those fall back to 1000 with the same reason.
 */
export function closeConnection(conn: Connection, spec: CloseSpec): void {
  if (conn.readyState !== 1) return;
  try {
    if (spec.code === undefined) conn.close();
    else conn.close(spec.code, spec.reason);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    conn.close(1000, spec.reason);
  }
}
