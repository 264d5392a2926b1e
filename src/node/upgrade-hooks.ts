// The asynchronous part of a server handshake: one attempt's lifetime (timeout, disconnect, abort signal)
// and the user's hooks, verifyClient then handleProtocols (docs/api.md "Node layer"; RFC 6455 §4.2.2).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ResolvedServerOptions, VerifyClientInfo, VerifyClientResult } from './server-options.js';
import { ignoreSocketError } from './socket-transport.js';

/** Why a handshake ended without a connection: `signal.reason.code` in VerifyClientInfo. */
export type HandshakeAbortCode = 'client-gone' | 'timeout' | 'refused';

export interface HandshakeAbortReason extends Error {
  readonly code: HandshakeAbortCode;
}

/** What `host.pendingDelta` counts; kept apart so this file does not depend on the server. */
interface AttemptHost {
  pendingDelta(delta: 1 | -1): void;
}

/**
 * One handshake from the 'upgrade' event until its connection opens or it is given up. Counted as pending
 * meanwhile (maxConnections); the timeout covers everything, hooks included. `signal` aborts exactly when
 * the attempt ends without an open connection, so resources a hook made for it can be released.
 */
export class HandshakeAttempt {
  // Made on first use (only verifyClient sees the signal), as it costs more than the rest of the attempt.
  private controller: AbortController | undefined;
  private readonly timer: NodeJS.Timeout;
  private settled = false;

  constructor(
    private readonly host: AttemptHost,
    private readonly socket: Socket,
    timeout: number,
  ) {
    host.pendingDelta(1);
    // A head, hook or key3 that never completes must not hold the socket (and a maxConnections slot).
    this.timer = setTimeout(onTimeout, timeout, this);
    // Shared, not a closure: it stays on the socket for the connection's whole life.
    socket.on('error', ignoreSocketError);
    socket.once('close', this.onGone);
    socket.once('end', this.onGone);
  }

  /** The attempt ran out of time: also the end of its socket. */
  timedOut(): void {
    this.giveUp('timeout', 'opening handshake timed out');
    this.socket.destroy();
  }

  /**
   * A FIN before the connection opens counts as gone: http sockets allow half-open, so without this a
   * client that closed during a slow hook would only be noticed when the 101 hits its reset.
   */
  private readonly onGone = (): void => {
    this.giveUp('client-gone', 'client disconnected during the handshake');
    this.socket.destroy();
  };

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** The socket is gone (closed, reset or timed out) or the attempt already ended. */
  get over(): boolean {
    return this.settled || this.socket.destroyed;
  }

  /** The connection opens: nothing to abort any more. */
  succeeded(): void {
    this.settle();
  }

  giveUp(code: HandshakeAbortCode, message: string): void {
    if (!this.settle()) return;
    this.controller?.abort(Object.assign(new Error(message), { code }) satisfies HandshakeAbortReason);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    // From here the connection reports the peer's FIN and close itself.
    this.socket.off('close', this.onGone);
    this.socket.off('end', this.onGone);
    this.host.pendingDelta(-1);
    return true;
  }
}

function onTimeout(attempt: HandshakeAttempt): void {
  attempt.timedOut();
}

export interface Refusal {
  readonly status: number;
  readonly reason: string;
}

/** Runs verifyClient (sync or async) on a request negotiation already accepted; a throw is a 500, reported. */
export async function verify(
  options: ResolvedServerOptions,
  report: (err: unknown) => void,
  req: IncomingMessage,
  facts: Omit<VerifyClientInfo, 'req'>,
): Promise<Refusal | undefined> {
  const verifyClient = options.verifyClient;
  if (!verifyClient) return undefined;
  let verdict: VerifyClientResult;
  try {
    verdict = await verifyClient({ req, ...facts });
  } catch (err) {
    report(err);
    return { status: 500, reason: 'verifyClient failed' };
  }
  if (verdict === true) return undefined;
  if (verdict === false) return { status: 403, reason: 'client refused' };
  return { status: verdict.status, reason: verdict.reason ?? 'client refused' };
}

/** Runs handleProtocols (sync or async): the chosen subprotocol, or a refusal when the hook failed. */
export async function chooseProtocol(
  options: ResolvedServerOptions,
  report: (err: unknown) => void,
  offered: readonly string[],
  req: IncomingMessage,
): Promise<{ chosen: string | undefined } | Refusal> {
  const handleProtocols = options.handleProtocols;
  if (!handleProtocols) return { chosen: undefined };
  try {
    return { chosen: await handleProtocols([...offered], req) };
  } catch (err) {
    report(err);
    return { status: 500, reason: 'handleProtocols failed' };
  }
}
