// `wscompat serve`: an echo server for every draft at every path, with a demo page on plain GET /.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ALL_DRAFTS, type DraftId } from '../../core/types.js';
import { isDraftId } from '../../drafts.js';
import { ConfigError, parseDuration, parseSize } from '../../gateway/config.js';
import { createServer, type WsServer } from '../../node/server.js';
import { parseCommand, parsePort, UsageFault } from '../args.js';
import { ANNOUNCE_PARAM } from '../demo-page.js';
import { fileFailure, listenFailure } from '../failure.js';
import { connectionLine, echo, httpHandler } from '../serve-app.js';

const HELP = `usage: wscompat serve [options]

Echo server for every WebSocket draft, at every path. Text is echoed as text, binary as binary
(hixie drafts have text only). A plain HTTP GET / shows a demo page that connects back. A client
that adds ?${ANNOUNCE_PARAM} to its URL first gets one text message "${ANNOUNCE_PARAM}: <draft>".

options:
  --port N           TCP port (default: $PORT, else 8080; 0 picks a free one)
  --host H           address to bind (default 127.0.0.1)
  --drafts LIST      comma-separated drafts to accept (default: ${ALL_DRAFTS.join(',')})
  --max-payload N    largest message accepted, in bytes (default 104857600)
  --idle-timeout DUR keepalive: ping a silent client after DUR/2, close it after DUR (e.g. 60s; default off)
  --max-buffered-bytes SIZE
                     bytes all clients may hold in unfinished messages; past it 1013 (default 256MiB)
  --protocols LIST   comma-separated subprotocols to agree to, in the client's order of preference
                     (default: agree to the client's first offer, as an echo serves any protocol)
  --tls-cert FILE    PEM certificate chain: serve wss:// and https:// (needs --tls-key)
  --tls-key FILE     PEM private key for --tls-cert
  --quiet            no line per connection on standard output
  --help             show this help

Logs one line per connection: "connection <draft> path=<path> origin=<origin> from=<address>".
Exit codes: 0 stopped by SIGINT/SIGTERM; 1 usage error; 6 cannot listen or read a TLS file.
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  drafts: { type: 'string' },
  'max-payload': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-buffered-bytes': { type: 'string' },
  protocols: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ServeSettings {
  readonly port: number;
  readonly host: string;
  readonly drafts: readonly DraftId[];
  readonly maxPayload: number | undefined;
  readonly idleTimeout?: number | undefined;
  readonly maxBufferedBytes?: number | undefined;
  /** Subprotocols agreed to; undefined: the client's first offer. */
  readonly protocols: readonly string[] | undefined;
  /** PEM file paths; both or neither. */
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  readonly quiet: boolean;
}

function listFlag(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A flag's value through `parse`, with ConfigError turned into a usage error. */
function optional(value: unknown, parse: (v: string) => number): number | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return parse(value);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageFault(err.message);
    throw err;
  }
}

/** `env` supplies PORT (as on hosting platforms); --port wins over it. */
export function parseServeArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServeSettings | 'help' {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageFault(`unexpected argument ${positionals[0]}`);
  const drafts = listFlag(values.drafts ?? ALL_DRAFTS.join(',')) ?? [];
  for (const d of drafts)
    if (!isDraftId(d)) throw new UsageFault(`unknown draft '${d}' (known: ${ALL_DRAFTS.join(', ')})`);
  if (drafts.length === 0) throw new UsageFault('--drafts needs at least one draft');
  const rawMax = values['max-payload'];
  if (rawMax !== undefined && (!/^\d+$/.test(rawMax) || Number(rawMax) < 1))
    throw new UsageFault('--max-payload must be a positive integer');
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if ((cert === undefined) !== (key === undefined))
    throw new UsageFault('--tls-cert and --tls-key go together');
  const port =
    values.port !== undefined
      ? parsePort(values.port, '--port')
      : env.PORT
        ? parsePort(env.PORT, 'PORT (environment)')
        : 8080;
  return {
    port,
    host: values.host ?? '127.0.0.1',
    drafts: drafts as DraftId[],
    maxPayload: rawMax === undefined ? undefined : Number(rawMax),
    idleTimeout: optional(values['idle-timeout'], (v) => parseDuration(v, '--idle-timeout')),
    maxBufferedBytes: optional(values['max-buffered-bytes'], (v) => parseSize(v, '--max-buffered-bytes')),
    protocols: listFlag(values.protocols),
    tls: cert !== undefined && key !== undefined ? { cert, key } : undefined,
    quiet: values.quiet ?? false,
  };
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw fileFailure(err, `read ${flag}`, path);
  }
}

/** Start the echo server; resolves once it listens, with its URL. Listen failures reject as CliFailure. */
export function startServe(
  settings: ServeSettings,
  log?: (line: string) => void,
): Promise<{ server: WsServer; url: string }> {
  const tls = settings.tls && {
    cert: readPem(settings.tls.cert, '--tls-cert'),
    key: readPem(settings.tls.key, '--tls-key'),
  };
  return new Promise((resolve, reject) => {
    const server = createServer(
      {
        port: settings.port,
        host: settings.host,
        drafts: settings.drafts,
        httpHandler,
        handleProtocols: (offered: readonly string[]) => {
          const agreed = settings.protocols;
          return agreed === undefined ? offered[0] : offered.find((p) => agreed.includes(p));
        },
        ...(settings.maxPayload === undefined ? {} : { maxPayload: settings.maxPayload }),
        ...(settings.idleTimeout === undefined ? {} : { idleTimeout: settings.idleTimeout }),
        ...(settings.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: settings.maxBufferedBytes }),
        ...(tls ? { tls } : {}),
      },
      (conn, req) => {
        log?.(connectionLine(conn, req));
        echo(conn, req);
      },
    );
    const failed = (err: Error): void => reject(listenFailure(err, settings.host, settings.port));
    server.once('error', failed);
    server.once('listening', () => {
      server.off('error', failed);
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({ server, url: `${tls ? 'wss' : 'ws'}://${host}:${port}/` });
    });
  });
}

export async function run(argv: string[]): Promise<number> {
  const settings = parseServeArgs(argv);
  if (settings === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const log = settings.quiet ? undefined : (line: string) => process.stdout.write(line);
  const { server, url } = await startServe(settings, log);
  server.on('error', (err: Error) => process.stderr.write(`wscompat serve: ${err.message}\n`));
  process.stdout.write(
    `wscompat serve: listening on ${url} (drafts: ${settings.drafts.join(', ')})\n` +
      `demo page: ${url.replace(/^ws/, 'http')}\n`,
  );
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stdout.write('wscompat serve: closing\n');
      server.close(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
