// idleTimeout: a peer silent for half the timeout is pinged (drafts with ping); one silent for the whole
// timeout is closed with 1001, so dead peers and half-open TCP connections do not stay forever.
import type { Connection } from '../connection/connection.js';
import type { SocketTransport } from './socket-transport.js';

/**
 * Watch `conn` for silence. Any bytes read count as life (a slow upload of one big message too), so a
 * peer is closed between `ms` and 1.5 x `ms` after its last byte; a pong to our ping resets the clock.
 */
export function watchIdle(conn: Connection, transport: SocketTransport, ms: number): void {
  if (!(ms > 0)) return;
  let seen = transport.reads;
  let silentTicks = 0;
  const timer = setInterval(() => {
    if (transport.reads !== seen) {
      seen = transport.reads;
      silentTicks = 0;
      return;
    }
    silentTicks++;
    if (conn.readyState !== conn.OPEN) {
      // Closing already: the close timeout ends it; nothing more to do here.
      if (conn.readyState === conn.CLOSED) clearInterval(timer);
      return;
    }
    if (silentTicks === 1 && conn.caps.ping) conn.ping();
    else if (silentTicks >= 2) conn.close(1001, 'idle timeout');
  }, ms / 2);
  timer.unref();
  conn.once('close', () => clearInterval(timer));
}
