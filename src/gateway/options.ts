// createGateway() options: their types, defaults and validation (unknown options throw a TypeError naming them).
import { ALL_DRAFTS, type DraftId } from '../core/types.js';
import { type PerMessageDeflateOptions, resolveCompression } from '../node/compression-options.js';
import type { LogRecord } from './log.js';
import { originMatcher } from './origin.js';
import { BINARY_TO_LEGACY, type BinaryToLegacy } from './policy.js';
import { compileRewrites, type RewriteRule } from './target.js';

export interface GatewayOptions {
  /** `ws://HOST:PORT/PATH`, `wss://...` (RFC 6455 upstream) or `tcp://HOST:PORT` (websockify mode). */
  readonly upstream: string;
  /** Listen address; default `127.0.0.1`. */
  readonly host?: string;
  /** Listen port; default 0 (any free port, see `address()`). */
  readonly port?: number;
  /** TLS termination: PEM certificate chain and key (contents, not paths). */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Allowed origins: `*`, `https://app.example.com`, `app.example.com`, `*.example.com`. Empty: any. */
  readonly allowOrigins?: readonly string[];
  /** Path rewrite rules, first match wins (see docs/gateway.md). */
  readonly rewrite?: readonly RewriteRule[];
  /** Upstream binary toward a text-only (hixie) client; default 'close'. */
  readonly binaryToLegacy?: BinaryToLegacy;
  /** Client drafts accepted; default all. */
  readonly drafts?: readonly DraftId[];
  /** Close when a side sends nothing for this many ms; 0 disables (default). */
  readonly clientIdleTimeout?: number;
  readonly upstreamIdleTimeout?: number;
  /** Ping a silent client after half this many ms, close it after all of them (keepalive); 0: off (default). */
  readonly idleTimeout?: number;
  /** Bytes all clients together may hold in incomplete messages; past it 1013 (default 256 MiB). */
  readonly maxBufferedBytes?: number;
  /** Stop reading one side while the other side has more than this many bytes buffered; default 1 MiB. */
  readonly highWaterMark?: number;
  /** Largest message accepted from either side, in bytes; default 16 MiB. */
  readonly maxPayload?: number;
  /** Concurrent client connections; more are refused with 503. Default Infinity. */
  readonly maxConnections?: number;
  /** Client handshake and upstream connect timeouts in ms; default 10 s each. */
  readonly handshakeTimeout?: number;
  readonly connectTimeout?: number;
  /** How long a graceful shutdown waits for connections to finish closing, in ms; default 10 s. */
  readonly shutdownTimeout?: number;
  /** The gateway sits behind a proxy: append to its X-Forwarded-For and honour X-Forwarded-Proto. */
  readonly trustProxy?: boolean;
  /** CA certificate(s) for a `wss://` upstream, and whether to verify it (default true). */
  readonly upstreamCa?: string | Buffer;
  readonly upstreamRejectUnauthorized?: boolean;
  /** Receives one record per connection event (the CLI writes them as JSON lines). */
  readonly log?: (record: LogRecord) => void;
  /** Paths served over plain HTTP on the same listener; `false` disables. */
  readonly healthPath?: string | false;
  readonly metricsPath?: string | false;
  /**
   * Compression toward clients (permessage-deflate and the legacy x-webkit-deflate-frame), as createServer's
   * option; and toward a ws:// upstream, as connect's. Each side negotiates its own: messages are bridged
   * inflated, so a deflate-frame client can sit behind a permessage-deflate upstream. Default off.
   */
  readonly perMessageDeflate?: boolean | PerMessageDeflateOptions;
  readonly upstreamPerMessageDeflate?: boolean | PerMessageDeflateOptions;
}

export type UpstreamTarget =
  | { readonly kind: 'ws'; readonly url: URL }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export interface ResolvedOptions {
  readonly upstream: UpstreamTarget;
  readonly host: string;
  readonly port: number;
  readonly tls: { readonly cert: string | Buffer; readonly key: string | Buffer } | undefined;
  readonly originAllowed: (origin: string | undefined) => boolean;
  readonly rewrite: ReturnType<typeof compileRewrites>;
  readonly binaryToLegacy: BinaryToLegacy;
  readonly drafts: readonly DraftId[];
  readonly clientIdleTimeout: number;
  readonly upstreamIdleTimeout: number;
  readonly idleTimeout: number;
  readonly maxBufferedBytes: number | undefined;
  readonly highWaterMark: number;
  readonly maxPayload: number;
  readonly maxConnections: number;
  readonly handshakeTimeout: number;
  readonly connectTimeout: number;
  readonly shutdownTimeout: number;
  readonly trustProxy: boolean;
  readonly upstreamCa: string | Buffer | undefined;
  readonly upstreamRejectUnauthorized: boolean;
  readonly log: (record: LogRecord) => void;
  readonly healthPath: string | false;
  readonly metricsPath: string | false;
  readonly perMessageDeflate: boolean | PerMessageDeflateOptions;
  readonly upstreamPerMessageDeflate: boolean | PerMessageDeflateOptions;
}

const KNOWN = new Set([
  'upstream',
  'host',
  'port',
  'tls',
  'allowOrigins',
  'rewrite',
  'binaryToLegacy',
  'drafts',
  'clientIdleTimeout',
  'upstreamIdleTimeout',
  'idleTimeout',
  'maxBufferedBytes',
  'highWaterMark',
  'maxPayload',
  'maxConnections',
  'handshakeTimeout',
  'connectTimeout',
  'shutdownTimeout',
  'trustProxy',
  'upstreamCa',
  'upstreamRejectUnauthorized',
  'log',
  'healthPath',
  'metricsPath',
  'perMessageDeflate',
  'upstreamPerMessageDeflate',
]);

/** Parse the upstream URL: ws/wss need a host; tcp needs a host and a port and nothing else. */
export function parseUpstream(value: unknown): UpstreamTarget {
  if (typeof value !== 'string') throw new TypeError('upstream: expected a ws://, wss:// or tcp:// URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`upstream: '${value}' is not a URL`);
  }
  if (url.protocol === 'ws:' || url.protocol === 'wss:') {
    if (url.hash !== '') throw new TypeError('upstream: a WebSocket URL has no fragment (RFC 6455 §3)');
    return { kind: 'ws', url };
  }
  if (url.protocol === 'tcp:') {
    if (url.hostname === '' || url.port === '' || (url.pathname !== '' && url.pathname !== '/') || url.search)
      throw new TypeError(`upstream: '${value}' must be tcp://HOST:PORT`);
    return { kind: 'tcp', host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
  }
  throw new TypeError(`upstream: unsupported scheme '${url.protocol}' (use ws://, wss:// or tcp://)`);
}

function num(o: Record<string, unknown>, name: string, dflt: number, min: number, allowInf = false): number {
  const v = o[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || Number.isNaN(v) || v < min || (!allowInf && !Number.isFinite(v)))
    throw new TypeError(`${name}: expected a number >= ${min}, got ${String(v)}`);
  if (Number.isFinite(v) && !Number.isInteger(v)) throw new TypeError(`${name}: expected an integer`);
  return v;
}

function path(o: Record<string, unknown>, name: string, dflt: string): string | false {
  const v = o[name];
  if (v === undefined) return dflt;
  if (v === false) return false;
  if (typeof v !== 'string' || !v.startsWith('/')) throw new TypeError(`${name}: expected a path or false`);
  return v;
}

function pem(v: unknown, name: string): string | Buffer {
  if (typeof v !== 'string' && !Buffer.isBuffer(v))
    throw new TypeError(`${name}: expected PEM text or a Buffer`);
  return v;
}

/** Checked here with the same rules as createServer/connect, so a bad value fails at startup. */
function compressionOption(
  o: Record<string, unknown>,
  name: string,
  where: 'createServer' | 'connect',
): boolean | PerMessageDeflateOptions {
  const v = o[name];
  if (v === undefined) return false;
  if (typeof v !== 'boolean' && (typeof v !== 'object' || v === null || Array.isArray(v)))
    throw new TypeError(`${name}: expected a boolean or an object`);
  resolveCompression(where, v as boolean | PerMessageDeflateOptions);
  return v as boolean | PerMessageDeflateOptions;
}

/** Validate and default every option; throws a TypeError naming the first bad or unknown option. */
export function resolveOptions(options: GatewayOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options: expected an object');
  const o = options as unknown as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!KNOWN.has(key)) throw new TypeError(`unknown gateway option '${key}'`);
  const drafts = o.drafts ?? ALL_DRAFTS;
  if (!Array.isArray(drafts) || drafts.length === 0 || drafts.some((d) => !ALL_DRAFTS.includes(d)))
    throw new TypeError(`drafts: expected a non-empty list of ${ALL_DRAFTS.join(', ')}`);
  const binaryToLegacy = o.binaryToLegacy ?? 'close';
  if (!BINARY_TO_LEGACY.includes(binaryToLegacy as BinaryToLegacy))
    throw new TypeError(`binaryToLegacy: expected one of ${BINARY_TO_LEGACY.join(', ')}`);
  const origins = o.allowOrigins ?? [];
  if (!Array.isArray(origins) || origins.some((x) => typeof x !== 'string'))
    throw new TypeError('allowOrigins: expected a list of strings');
  const rewrite = o.rewrite ?? [];
  if (!Array.isArray(rewrite)) throw new TypeError('rewrite: expected a list of { from, to }');
  const tls = o.tls as { cert?: unknown; key?: unknown } | undefined;
  if (tls !== undefined && (typeof tls !== 'object' || tls === null))
    throw new TypeError('tls: expected { cert, key }');
  for (const b of ['trustProxy', 'upstreamRejectUnauthorized'])
    if (o[b] !== undefined && typeof o[b] !== 'boolean') throw new TypeError(`${b}: expected a boolean`);
  if (o.log !== undefined && typeof o.log !== 'function') throw new TypeError('log: expected a function');
  if (o.host !== undefined && typeof o.host !== 'string') throw new TypeError('host: expected a string');
  const port = num(o, 'port', 0, 0);
  if (port > 65535) throw new TypeError('port: expected 0-65535');
  return {
    upstream: parseUpstream(o.upstream),
    host: (o.host as string | undefined) ?? '127.0.0.1',
    port,
    tls: tls === undefined ? undefined : { cert: pem(tls.cert, 'tls.cert'), key: pem(tls.key, 'tls.key') },
    originAllowed: originMatcher(origins as string[]),
    rewrite: compileRewrites(rewrite as RewriteRule[]),
    binaryToLegacy: binaryToLegacy as BinaryToLegacy,
    drafts: drafts as DraftId[],
    clientIdleTimeout: num(o, 'clientIdleTimeout', 0, 0),
    upstreamIdleTimeout: num(o, 'upstreamIdleTimeout', 0, 0),
    idleTimeout: num(o, 'idleTimeout', 0, 0),
    maxBufferedBytes: o.maxBufferedBytes === undefined ? undefined : num(o, 'maxBufferedBytes', 0, 1, true),
    highWaterMark: num(o, 'highWaterMark', 1024 * 1024, 1),
    maxPayload: num(o, 'maxPayload', 16 * 1024 * 1024, 1),
    maxConnections: num(o, 'maxConnections', Number.POSITIVE_INFINITY, 1, true),
    handshakeTimeout: num(o, 'handshakeTimeout', 10_000, 1),
    connectTimeout: num(o, 'connectTimeout', 10_000, 1),
    shutdownTimeout: num(o, 'shutdownTimeout', 10_000, 0),
    trustProxy: (o.trustProxy as boolean | undefined) ?? false,
    upstreamCa: o.upstreamCa === undefined ? undefined : pem(o.upstreamCa, 'upstreamCa'),
    upstreamRejectUnauthorized: (o.upstreamRejectUnauthorized as boolean | undefined) ?? true,
    log: (o.log as ((r: LogRecord) => void) | undefined) ?? (() => {}),
    healthPath: path(o, 'healthPath', '/healthz'),
    metricsPath: path(o, 'metricsPath', '/metrics'),
    perMessageDeflate: compressionOption(o, 'perMessageDeflate', 'createServer'),
    upstreamPerMessageDeflate: compressionOption(o, 'upstreamPerMessageDeflate', 'connect'),
  };
}
