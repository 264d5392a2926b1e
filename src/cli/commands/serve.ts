// `wscompat serve`: an echo server for every draft at every path, with a demo page on plain GET /.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from '../../connection/connection.js';
import { ALL_DRAFTS, type DraftId } from '../../core/types.js';
import { isDraftId } from '../../drafts.js';
import { parseDuration } from '../../gateway/config.js';
import { createServer, type WsServer } from '../../node/server.js';
import { parseArgs, parsePort, UsageFault } from '../args.js';
import { demoPage } from '../demo-page.js';
import { isWorker, parseWorkers, runGroup } from '../workers.js';

const HELP = `usage: wscompat serve [options]

Echo server for every WebSocket draft, at every path. Text is echoed as text, binary as binary
(hixie drafts have text only). A plain HTTP GET / shows a demo page that connects back.

options:
  --port N           TCP port (default 8080; 0 picks a free one)
  --host H           address to bind (default 127.0.0.1)
  --drafts LIST      comma-separated drafts to accept (default: ${ALL_DRAFTS.join(',')})
  --max-payload N    largest message accepted, in bytes (default 104857600)
  --protocols LIST   comma-separated subprotocols to agree to, in the client's order of preference
                     (default: agree to the client's first offer, as an echo serves any protocol)
  --tls-cert FILE    serve wss:// (and https://) with this PEM certificate chain; needs --tls-key
  --tls-key FILE     the PEM private key for --tls-cert
  --http2            with TLS: HTTP/2 (RFC 8441 WebSockets) and HTTP/1.1 (every draft) on one port, by ALPN
  --workers N|auto   worker processes sharing the port (default 1; auto = CPU count)
  --drain-timeout D  on SIGTERM/SIGINT, give connections D to close (1001) before dropping them
                     (default 10s; e.g. 500ms, 30s)
  --help             show this help
`;

const SPEC = {
  port: { type: 'string' },
  host: { type: 'string' },
  drafts: { type: 'string' },
  'max-payload': { type: 'string' },
  protocols: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  http2: { type: 'boolean' },
  workers: { type: 'string' },
  'drain-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ServeSettings {
  readonly port: number;
  readonly host: string;
  readonly drafts: readonly DraftId[];
  readonly maxPayload: number | undefined;
  /** Subprotocols agreed to; undefined: the client's first offer. */
  readonly protocols: readonly string[] | undefined;
  /** PEM contents, read from --tls-cert/--tls-key. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  readonly http2?: boolean;
  /** Only `run` reads these two (default 1 worker, 10 s). */
  readonly workers?: number;
  /** Milliseconds. */
  readonly drainTimeout?: number;
}

function listFlag(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function tlsFlags(
  certFile: string | undefined,
  keyFile: string | undefined,
  http2: boolean,
): Pick<ServeSettings, 'tls' | 'http2'> {
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new UsageFault('--tls-cert and --tls-key go together');
  if (http2 && certFile === undefined) throw new UsageFault('--http2 needs --tls-cert and --tls-key');
  if (certFile === undefined || keyFile === undefined) return {};
  const read = (file: string, flag: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new UsageFault(`${flag}: cannot read ${file}: ${(err as Error).message}`);
    }
  };
  return {
    tls: { cert: read(certFile, '--tls-cert'), key: read(keyFile, '--tls-key') },
    ...(http2 ? { http2 } : {}),
  };
}

function drainFlag(value: string | undefined): number {
  try {
    return parseDuration(value ?? '10s', '--drain-timeout');
  } catch (err) {
    throw new UsageFault((err as Error).message);
  }
}

export function parseServeArgs(argv: readonly string[]): ServeSettings | 'help' {
  const { flags, positionals } = parseArgs(argv, SPEC);
  if (flags.help) return 'help';
  if (positionals.length > 0) throw new UsageFault(`unexpected argument ${positionals[0]}`);
  const drafts = listFlag((flags.drafts as string | undefined) ?? ALL_DRAFTS.join(',')) ?? [];
  for (const d of drafts)
    if (!isDraftId(d)) throw new UsageFault(`unknown draft '${d}' (known: ${ALL_DRAFTS.join(', ')})`);
  if (drafts.length === 0) throw new UsageFault('--drafts needs at least one draft');
  const rawMax = flags['max-payload'] as string | undefined;
  if (rawMax !== undefined && (!/^\d+$/.test(rawMax) || Number(rawMax) < 1))
    throw new UsageFault('--max-payload must be a positive integer');
  return {
    port: parsePort((flags.port as string | undefined) ?? '8080', '--port'),
    host: (flags.host as string | undefined) ?? '127.0.0.1',
    drafts: drafts as DraftId[],
    maxPayload: rawMax === undefined ? undefined : Number(rawMax),
    protocols: listFlag(flags.protocols as string | undefined),
    ...tlsFlags(
      flags['tls-cert'] as string | undefined,
      flags['tls-key'] as string | undefined,
      flags.http2 === true,
    ),
    workers: parseWorkers(flags.workers as string | undefined),
    drainTimeout: drainFlag(flags['drain-timeout'] as string | undefined),
  };
}

function echo(conn: Connection): void {
  conn.on('message', (data: Buffer, isBinary: boolean) => {
    if (conn.readyState !== conn.OPEN) return;
    conn.send(data, { binary: isBinary && conn.caps.binary });
  });
  // Echo servers see misbehaving clients; a fault closes that one connection and nothing else.
  conn.on('error', () => {});
}

function httpHandler(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if ((req.method === 'GET' || req.method === 'HEAD') && path === '/') {
    const body = Buffer.from(demoPage(), 'utf8');
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('not found; WebSocket upgrades are accepted at every path\n');
}

/** Start the echo server; resolves once it listens, with its URL. */
export function startServe(settings: ServeSettings): Promise<{ server: WsServer; url: string }> {
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
        ...(settings.tls ? { tls: settings.tls, http2: settings.http2 === true } : {}),
      },
      echo,
    );
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({ server, url: `${settings.tls ? 'wss' : 'ws'}://${host}:${port}/` });
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
  const { server, url } = await startServe(settings);
  server.on('error', (err: Error) => process.stderr.write(`wscompat serve: ${err.message}\n`));
  process.stdout.write(
    `wscompat serve: listening on ${url} (drafts: ${settings.drafts.join(', ')})\n` +
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
