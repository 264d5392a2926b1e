// The one place a server-side Connection is made over an accepted stream (an HTTP/1.1 socket after its
// 101, or an RFC 8441 HTTP/2 stream after its 200): limits, compression, keepalive, then the user's
// 'connection' listener, then reading starts.
import type { IncomingMessage } from 'node:http';
import { Connection } from '../connection/connection.js';
import { OPEN, SET_LISTENER_ERRORS } from '../connection/internal.js';
import { cryptoRng } from '../core/rng.js';
import type { DraftId, NegotiatedCompression } from '../core/types.js';
import { getDraft } from '../drafts.js';
import { refuseWhenOverBudget } from './byte-budget.js';
import { createCompression } from './compression-options.js';
import { watchIdle } from './keepalive.js';
import { type ByteStream, SocketTransport } from './socket-transport.js';
import type { UpgradeHost } from './upgrade.js';

export interface Accepted {
  readonly draft: DraftId;
  /** The request target. */
  readonly url: string;
  readonly protocol: string;
  readonly extensions: string;
  readonly compression?: NegotiatedCompression | undefined;
}

/** `leftover`: bytes that came with or behind the handshake, delivered after the listener ran. */
export function openServerConnection(
  host: UpgradeHost,
  stream: ByteStream,
  accepted: Accepted,
  req: IncomingMessage,
  done: (conn: Connection, req: IncomingMessage) => void,
  leftover: Buffer,
): void {
  // Not reading until the transport starts (a 'data' listener would resume the stream by itself).
  stream.pause();
  const draft = getDraft(accepted.draft);
  const { options } = host;
  const conn = new Connection({
    draft: accepted.draft,
    caps: draft.caps,
    role: 'server',
    url: accepted.url,
    closeTimeout: options.closeTimeout,
    binaryToLegacy: options.binaryToLegacy,
  });
  conn[SET_LISTENER_ERRORS](host.listenerError);
  const transport = new SocketTransport(stream, {
    writeHighWaterMark: options.writeHighWaterMark,
    budget: { shared: host.budget, over: refuseWhenOverBudget(conn) },
  });
  conn[OPEN]({
    transport,
    codec: draft.createCodec('server', {
      maxPayload: options.maxPayload,
      maxFragments: options.maxFragments,
      rng: cryptoRng,
      ...createCompression(accepted.compression, options.perMessageDeflate),
    }),
    protocol: accepted.protocol,
    extensions: accepted.extensions,
    emitOpen: false,
  });
  watchIdle(conn, transport, options.idleTimeout);
  host.opened(conn);
  try {
    done(conn, req);
  } catch (err) {
    // A throwing 'connection' listener costs this connection only (docs/api.md "Errors in your callbacks").
    host.listenerError(err);
    conn.close(1011, 'internal error');
  }
  // After the user's 'connection' listener ran, so it sees frames pipelined behind the handshake.
  transport.start(leftover, false);
}
