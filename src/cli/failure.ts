// Exit codes of every command, and one-line messages for runtime failures (no stack traces for users).

/** Documented in README.md ("Exit codes"); every command uses these and no others. */
export const EXIT = {
  ok: 0,
  usage: 1,
  /** The command ran and the answer is "no": no draft accepted, a trace differed, nothing recorded. */
  failed: 2,
  /** A tool the command needs is not installed (tshark). */
  missingTool: 3,
  /** Could not reach the peer: the name does not resolve, no route, or no answer in time. */
  unreachable: 4,
  /** The peer's host answered and refused the TCP connection (ECONNREFUSED: nothing listens there). */
  refused: 5,
  /** A local resource failed: cannot listen (port in use, address not here), cannot read or write a file. */
  local: 6,
  /** A bug in wscompat: one line too; WSCOMPAT_DEBUG=1 adds the stack trace. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the user can act on: main prints `wscompat <command>: <message>` and exits with `code`. */
export class CliFailure extends Error {
  override name = 'CliFailure';
  constructor(
    message: string,
    readonly code: ExitCode,
  ) {
    super(message);
  }
}

type ErrnoLike = { code?: unknown; message?: unknown };

const errnoCode = (err: unknown): string | undefined => {
  const code = (err as ErrnoLike | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

const UNREACHABLE = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EHOSTDOWN',
]);

/** Why binding `host:port` failed, as one line; the exit code is always EXIT.local. */
export function listenFailure(err: unknown, host: string, port: number): CliFailure {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const code = errnoCode(err);
  const why =
    code === 'EADDRINUSE'
      ? 'the port is already in use'
      : code === 'EADDRNOTAVAIL'
        ? 'that address is not one of this machine'
        : code === 'EACCES'
          ? 'permission denied (ports below 1024 need privileges)'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? 'the host name does not resolve'
            : String((err as ErrnoLike | null)?.message ?? err);
  return new CliFailure(`cannot listen on ${where}: ${why}`, EXIT.local);
}

/** Why connecting to `where` (HOST:PORT or a URL) failed: refused (5) or could not reach (4). */
export function connectFailure(err: unknown, where: string): CliFailure {
  const code = errnoCode(err);
  if (code === 'ECONNREFUSED')
    return new CliFailure(
      `${where} refused the connection (ECONNREFUSED: nothing listens there)`,
      EXIT.refused,
    );
  const why =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'the host name does not resolve'
      : code !== undefined && UNREACHABLE.has(code)
        ? `no route or no answer (${code})`
        : String((err as ErrnoLike | null)?.message ?? err);
  return new CliFailure(`could not reach ${where}: ${why}`, EXIT.unreachable);
}

/** True when `err` is a failure to connect at all (as opposed to a peer that answered). */
export function isConnectError(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ECONNREFUSED' || (code !== undefined && UNREACHABLE.has(code));
}

const FILE_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'it already exists',
};

/** `cannot <verb> <path>: <reason>` for a file system error; exit code EXIT.local. */
export function fileFailure(err: unknown, verb: string, path: string): CliFailure {
  const code = errnoCode(err);
  const why = (code && FILE_REASONS[code]) ?? String((err as ErrnoLike | null)?.message ?? err);
  return new CliFailure(`cannot ${verb} ${path}: ${why}`, EXIT.local);
}

/** Any error a command let through, as a line and a code: system errors by their code, others as bugs. */
export function describeFailure(err: unknown): { message: string; code: ExitCode; stack?: string } {
  if (err instanceof CliFailure) return { message: err.message, code: err.code };
  const e = err as { code?: unknown; syscall?: unknown; path?: unknown; message?: unknown; stack?: unknown };
  if (typeof e?.syscall === 'string' && typeof e.path === 'string')
    return { message: fileFailure(err, e.syscall, e.path).message, code: EXIT.local };
  if (isConnectError(err)) {
    const f = connectFailure(err, 'the peer');
    return { message: f.message, code: f.code };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    message: `internal error: ${message}`,
    code: EXIT.internal,
    ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}),
  };
}
