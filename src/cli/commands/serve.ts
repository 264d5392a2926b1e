// `wscompat serve`: an echo server for every draft at every path, with a demo page on plain GET /.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ALL_DRAFTS, type DraftId } from '../../core/types.js';
import { isDraftId } from '../../drafts.js';
import { ConfigError, parseDuration, parseSize } from '../../gateway/config.js';
import { createServer, type WsServer } from '../../node/server.js';
import { parseCommand, parsePort, UsageFault } from '../args.js';
import {
  type Compression,
  compressionFlags,
  compressionFrom,
  describeCompression,
} from '../compression-flags.js';
import { ANNOUNCE_PARAM } from '../demo-page.js';
import { fileFailure, listenFailure } from '../failure.js';
import { connectionLine, echo, httpHandler } from '../serve-app.js';
import { isWorker, parseWorkers, runGroup } from '../workers.js';

const HELP = `usage: wscompat serve [options]

Echo server for every WebSocket draft, at every path. Text is echoed as text, binary as binary
(hixie drafts have text only). A plain HTTP GET / shows a demo page that connects back. A client
that adds ?${ANNOUNCE_PARAM} to its URL first gets one text message "${ANNOUNCE_PARAM}: <draft>".

options:
  --port N           TCP port (default: $PORT, else 8080; 0 picks a free one)
  --host H           address to bind (default 127.0.0.1)
  --drafts LIST      comma-separated drafts to accept (default: ${ALL_DRAFTS.join(',')})
  --max-payload N    largest message accepted, in bytes (default 104857600)
  --handshake-timeout DUR
                     opening handshake limit: TLS, request head, hixie-76 key3 (default 10s)
  --idle-timeout DUR keepalive: ping a silent client after DUR/2, close it after DUR (e.g. 60s; default off)
  --max-buffered-bytes SIZE
                     bytes all clients may hold in unfinished messages; past it 1013 (default 256MiB)
  --protocols LIST   comma-separated subprotocols to agree to, in the client's order of preference
                     (default: agree to the client's first offer, as an echo serves any protocol)
  --tls-cert FILE    PEM certificate chain: serve wss:// and https:// (needs --tls-key)
  --tls-key FILE     PEM private key for --tls-cert
  --quiet            no line per connection on standard output
  --permessage-deflate
                     accept compression: permessage-deflate (RFC 7692) on hybi-07/08/13, and the legacy
                     x-webkit-deflate-frame / deflate-frame (default off: the trace corpus assumes a server
                     that declines every offer)
  --no-permessage-deflate
                     decline every compression offer (the default; a usage error with the flags below)
  --deflate-threshold N
                     messages shorter than N bytes are sent uncompressed (default 1024)
  --deflate-level N  zlib compression level 0-9 (default 6)
  --server-max-window-bits N
                     our compressor's window, 8-15 (default 15); smaller saves memory, compresses less
  --client-max-window-bits N
                     ask clients that offer it for this window, 8-15: the history kept per connection
                     to inflate (2^N bytes; default 15)
  --server-no-context-takeover
                     reset our compressor after every message
  --client-no-context-takeover
                     require clients to reset theirs (no inflate history kept between messages)
  --no-deflate-frame accept permessage-deflate only, not the legacy deflate-frame offers
                     (each tuning flag from --deflate-threshold on implies --permessage-deflate)
  --http2            with TLS: HTTP/2 (RFC 8441 WebSockets) and HTTP/1.1 (every draft) on one port, by ALPN
  --workers N|auto   worker processes sharing the port (default 1; auto = CPU count)
  --drain-timeout D  on SIGTERM/SIGINT, give connections D to close (1001) before dropping them
                     (default 10s; e.g. 500ms, 30s)
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
  'handshake-timeout': { type: 'string' },
  'max-buffered-bytes': { type: 'string' },
  protocols: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  quiet: { type: 'boolean' },
  http2: { type: 'boolean' },
  workers: { type: 'string' },
  'drain-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...(compressionFlags('') as Record<'permessage-deflate', { type: 'boolean' }>),
} as const;

export interface ServeSettings {
  readonly port: number;
  readonly host: string;
  readonly drafts: readonly DraftId[];
  readonly maxPayload: number | undefined;
  readonly idleTimeout?: number | undefined;
  readonly handshakeTimeout?: number | undefined;
  readonly maxBufferedBytes?: number | undefined;
  /** Subprotocols agreed to; undefined: the client's first offer. */
  readonly protocols: readonly string[] | undefined;
  /** PEM file paths; both or neither. */
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  readonly quiet: boolean;
  readonly http2?: boolean;
  /** Only `run` reads these two (default 1 worker, 10 s). */
  readonly workers?: number;
  /** Milliseconds. */
  readonly drainTimeout?: number;
  /** The perMessageDeflate option toward clients; undefined: off. */
  readonly perMessageDeflate?: Compression | undefined;
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
  if (values.http2 === true && cert === undefined)
    throw new UsageFault('--http2 needs --tls-cert and --tls-key');
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
    handshakeTimeout: optional(values['handshake-timeout'], (v) => positiveMs(v, '--handshake-timeout')),
    maxBufferedBytes: optional(values['max-buffered-bytes'], (v) => parseSize(v, '--max-buffered-bytes')),
    protocols: listFlag(values.protocols),
    tls: cert !== undefined && key !== undefined ? { cert, key } : undefined,
    quiet: values.quiet ?? false,
    ...(values.http2 === true ? { http2: true } : {}),
    workers: parseWorkers(values.workers),
    perMessageDeflate: compressionFrom(values, ''),
    drainTimeout:
      optional(values['drain-timeout'] ?? '10s', (v) => parseDuration(v, '--drain-timeout')) ?? 10_000,
  };
}

/** A duration that must be above zero (a zero handshake timeout would refuse everyone). */
function positiveMs(value: string, flag: string): number {
  const ms = parseDuration(value, flag);
  if (ms <= 0) throw new ConfigError(`${flag} must be above 0`);
  return ms;
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
        ...(settings.handshakeTimeout === undefined ? {} : { handshakeTimeout: settings.handshakeTimeout }),
        ...(settings.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: settings.maxBufferedBytes }),
        ...(tls ? { tls, http2: settings.http2 === true } : {}),
        ...(settings.perMessageDeflate === undefined
          ? {}
          : { perMessageDeflate: settings.perMessageDeflate }),
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
  const { workers = 1, drainTimeout = 10_000 } = settings;
  if (workers > 1 && !isWorker) return runGroup({ workers, drainTimeout, name: 'wscompat serve' });
  const log = settings.quiet ? undefined : (line: string) => process.stdout.write(line);
  const { server, url } = await startServe(settings, log);
  server.on('error', (err: Error) => process.stderr.write(`wscompat serve: ${err.message}\n`));
  process.stdout.write(
    `wscompat serve: listening on ${url} (drafts: ${settings.drafts.join(', ')}; ` +
      `compression: ${describeCompression(settings.perMessageDeflate)})\n` +
      `demo page: ${url.replace(/^ws/, 'http')}${settings.http2 ? ' (HTTP/2 and HTTP/1.1)' : ''}\n`,
  );
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stdout.write('wscompat serve: closing\n');
      // Past the drain timeout, connections still closing are dropped.
      const force = setTimeout(() => {
        for (const conn of server.clients) conn.terminate();
      }, drainTimeout);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }).then((code) => {
    // A worker's IPC channel would keep it alive after its server closed.
    if (isWorker) setImmediate(() => process.exit(code));
    return code;
  });
}
