// The RFC 6455 upstream of one client, opened with the public connect() (RFC 6455 §4.1), held paused until
// the client's handshake is done and the bridge listens.
import type { Connection } from '../connection/connection.js';
import type { HeaderLine } from '../core/types.js';
import { connect, HandshakeError } from '../node/client.js';
import type { PerMessageDeflateOptions } from '../node/compression-options.js';
import { connectionSide } from './connection-side.js';
import type { Side } from './side.js';

export interface UpstreamRequest {
  readonly url: URL;
  readonly protocols: readonly string[];
  readonly origin: string | undefined;
  readonly headers: readonly HeaderLine[];
  readonly timeout: number;
  readonly maxPayload: number;
  readonly closeTimeout: number;
  readonly ca: string | Buffer | undefined;
  readonly rejectUnauthorized: boolean;
  readonly perMessageDeflate: boolean | PerMessageDeflateOptions;
  readonly abort: AbortSignal;
}

export type WsOpen =
  | { ok: true; side: Side; protocol: string }
  /** `status` is the upstream's HTTP answer when it refused with one, undefined when unreachable. */
  | { ok: false; status: number | undefined; reason: string };

/** Open the upstream WebSocket: resolves once it is open, or with why not. */
export function openWsUpstream(req: UpstreamRequest): Promise<WsOpen> {
  let conn: Connection;
  try {
    conn = connect(req.url, {
      protocols: req.protocols,
      headers: req.headers,
      handshakeTimeout: req.timeout,
      maxPayload: req.maxPayload,
      closeTimeout: req.closeTimeout,
      rejectUnauthorized: req.rejectUnauthorized,
      perMessageDeflate: req.perMessageDeflate,
      ...(req.origin === undefined ? {} : { origin: req.origin }),
      ...(req.ca === undefined ? {} : { ca: req.ca }),
    });
  } catch (err) {
    // The client's request cannot be forwarded as given (e.g. a subprotocol RFC 6455 does not allow).
    return Promise.resolve({ ok: false, status: 400, reason: (err as Error).message });
  }
  return new Promise((resolve) => {
    const onAbort = (): void => conn.terminate();
    req.abort.addEventListener('abort', onAbort, { once: true });
    if (req.abort.aborted) onAbort();
    conn.once('open', () => {
      req.abort.removeEventListener('abort', onAbort);
      conn.off('error', onError);
      // Nothing may be read before the bridge listens: messages would have nowhere to go.
      conn.pause();
      resolve({ ok: true, side: connectionSide(conn), protocol: conn.protocol });
    });
    const onError = (err: Error): void => {
      req.abort.removeEventListener('abort', onAbort);
      // A 101 that fails verification is no refusal: the upstream is broken, as when unreachable.
      const status = err instanceof HandshakeError && err.status !== 101 ? err.status : undefined;
      resolve({ ok: false, status, reason: err.message });
    };
    conn.once('error', onError);
  });
}
