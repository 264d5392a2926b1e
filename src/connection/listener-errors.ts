// An exception thrown by user code inside an event listener costs that connection only (docs/api.md
// "Errors in your callbacks"): the connection closes 1011 and the error goes to a reporter, never up
// through the socket's event handler, where it would end the process.

/** Where a listener's exception is reported: the server's, or the connection's own default. */
export type ListenerErrorReporter = (err: unknown) => void;

/** Whether a reporter (a server, or all standalone clients) already wrote its one stderr line. */
export interface LogOnce {
  logged: boolean;
}

/** Standalone client connections share one. */
export const CLIENTS_LOG: LogOnce = { logged: false };

/**
 * Emitted on `target` as 'error' when it has a listener; otherwise written to stderr, once per `log`
 * (a loop of failing handlers must not flood the log). Never throws.
 */
export function reportOrLog(
  target: { listenerCount(event: string): number; emit(event: string, err: unknown): boolean },
  err: unknown,
  what: string,
  log: LogOnce,
): void {
  try {
    if (target.listenerCount('error') > 0) {
      target.emit('error', err);
      return;
    }
  } catch (again) {
    err = again;
  }
  if (log.logged) return;
  log.logged = true;
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(
    `wscompat: ${what} threw; that connection was closed (1011, or 500 during the handshake). ` +
      `Add an 'error' listener to see every such error; this is logged once.\n${text}\n`,
  );
}
