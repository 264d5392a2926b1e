// The client's side of a pairing: a server Connection from createServer (any draft) and its socket for pausing.
import type { Socket } from 'node:net';
import type { Connection } from '../connection/connection.js';
import type { CloseSpec } from './policy.js';
import type { Side, SideEvents } from './side.js';

/**
 * Adapts a Connection. Reading is paused on the raw socket the 'upgrade' event gave us: Connection has
 * no pause() of its own (docs/api.md), and the socket is a public Node object, not a draft internal.
 */
export function clientSide(conn: Connection, socket: Socket): Side {
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
      socket.pause();
    },
    resume() {
      if (!socket.destroyed) socket.resume();
    },
    bind(events: SideEvents) {
      conn.on('message', (data: Buffer, isBinary: boolean) => {
        events.activity();
        events.message(data, isBinary);
      });
      conn.on('ping', () => events.activity());
      conn.on('pong', () => events.activity());
      // Faults are reported again by 'close' with their code; a listener keeps them from throwing.
      conn.on('error', () => {});
      conn.on('close', (code: number, reason: string, wasClean: boolean) =>
        events.close(code, reason, wasClean),
      );
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
