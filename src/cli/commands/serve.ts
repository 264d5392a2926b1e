// `wscompat serve`: an echo server for every draft at every path, with a demo page on plain GET /.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from '../../connection/connection.js';
import { ALL_DRAFTS, type DraftId } from '../../core/types.js';
import { isDraftId } from '../../drafts.js';
import { ConfigError, parseDuration, parseSize } from '../../gateway/config.js';
import { createServer, type WsServer } from '../../node/server.js';
import { parseArgs, parsePort, UsageFault } from '../args.js';
import { demoPage } from '../demo-page.js';

const HELP = `usage: wscompat serve [options]

Echo server for every WebSocket draft, at every path. Text is echoed as text, binary as binary
(hixie drafts have text only). A plain HTTP GET / shows a demo page that connects back.

options:
  --port N           TCP port (default 8080; 0 picks a free one)
  --host H           address to bind (default 127.0.0.1)
  --drafts LIST      comma-separated drafts to accept (default: ${ALL_DRAFTS.join(',')})
  --max-payload N    largest message accepted, in bytes (default 104857600)
  --idle-timeout DUR keepalive: ping a silent client after DUR/2, close it after DUR (e.g. 60s; default off)
  --max-buffered-bytes SIZE
                     bytes all clients may hold in unfinished messages; past it 1013 (default 256MiB)
  --protocols LIST   comma-separated subprotocols to agree to, in the client's order of preference
                     (default: agree to the client's first offer, as an echo serves any protocol)
  --help             show this help
`;

const SPEC = {
  port: { type: 'string' },
  host: { type: 'string' },
  drafts: { type: 'string' },
  'max-payload': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-buffered-bytes': { type: 'string' },
  protocols: { type: 'string' },
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
    idleTimeout: optional(flags['idle-timeout'], (v) => parseDuration(v, '--idle-timeout')),
    maxBufferedBytes: optional(flags['max-buffered-bytes'], (v) => parseSize(v, '--max-buffered-bytes')),
    protocols: listFlag(flags.protocols as string | undefined),
  };
}

function echo(conn: Connection): void {
  conn.on('message', (data: Buffer, isBinary: boolean) => {
    if (conn.readyState !== conn.OPEN) return;
    // A client that sends fast and never reads: stop reading it until its echoes have left.
    if (!conn.send(data, { binary: isBinary && conn.caps.binary }) && !conn.isPaused) {
      conn.pause();
      conn.once('drain', () => conn.resume());
    }
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
        ...(settings.idleTimeout === undefined ? {} : { idleTimeout: settings.idleTimeout }),
        ...(settings.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: settings.maxBufferedBytes }),
      },
      echo,
    );
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({ server, url: `ws://${host}:${port}/` });
    });
  });
}

export async function run(argv: string[]): Promise<number> {
  const settings = parseServeArgs(argv);
  if (settings === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const { server, url } = await startServe(settings);
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
