// createServer options: validation and defaults (docs/api.md "Node layer").
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import {
  BINARY_TO_LEGACY,
  type BinaryToLegacy,
  DEFAULT_BINARY_TO_LEGACY,
} from '../connection/legacy-binary.js';
import { ALL_DRAFTS, type Caps, DEFAULT_MAX_FRAGMENTS, type DraftId } from '../core/types.js';
import { isDraftId } from '../drafts.js';
import {
  isPerMessageDeflate,
  type PerMessageDeflateOptions,
  type ResolvedCompression,
  resolveCompression,
} from './compression-options.js';
import {
  checkOptions,
  isBoolean,
  isFunction,
  isNonNegativeNumber,
  isObject,
  isPort,
  isPositiveNumber,
  isString,
  type OptionCheck,
  oneOf,
} from './options-check.js';
import { DEFAULT_WRITE_HIGH_WATER_MARK } from './socket-transport.js';

/** What verifyClient sees: a request the server will accept unless verifyClient refuses it. */
export interface VerifyClientInfo {
  readonly req: IncomingMessage;
  /** `Origin`, or hybi-07/08 `Sec-WebSocket-Origin`. */
  readonly origin: string | undefined;
  readonly draft: DraftId;
  /** The draft's capabilities (binary, ping, close codes, ...). */
  readonly caps: Caps;
  readonly secure: boolean;
  /** The subprotocols the client offered, in its order (hixie offers at most one). */
  readonly protocols: readonly string[];
  /**
   * Aborted when this handshake ends without an open connection, whenever that happens (client gone,
   * handshakeTimeout, a refusal by verifyClient itself or by a later step such as handleProtocols):
   * release here anything verifyClient set up for the connection. `signal.reason.code` says why:
   * 'client-gone', 'timeout' or 'refused'. Never aborted once the connection opens.
   */
  readonly signal: AbortSignal;
}
export type VerifyClientResult = boolean | { readonly status: number; readonly reason?: string };

export interface ServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly server?: HttpServer | HttpsServer;
  readonly noServer?: boolean;
  readonly tls?: TlsOptions & SecureContextOptions;
  readonly path?: string;
  readonly drafts?: readonly DraftId[];
  /** Runs after verifyClient accepted; may return a Promise (covered by handshakeTimeout). */
  readonly handleProtocols?: (
    offered: string[],
    req: IncomingMessage,
  ) => string | undefined | Promise<string | undefined>;
  readonly verifyClient?: (info: VerifyClientInfo) => VerifyClientResult | Promise<VerifyClientResult>;
  readonly maxPayload?: number;
  /** Frames one fragmented message may span (default 16,384, as ws); past it: close 1008 (1004 on 07/08). */
  readonly maxFragments?: number;
  /** Bytes queued for a peer beyond which reading from it pauses until the queue drains (default 1 MiB). */
  readonly writeHighWaterMark?: number;
  /** Bytes all connections together may hold in incomplete messages; past it 1013 (default 256 MiB). */
  readonly maxBufferedBytes?: number;
  /** Silence from a peer after which it is pinged, then closed (ms; 0: never, the default). */
  readonly idleTimeout?: number;
  readonly handshakeTimeout?: number;
  readonly closeTimeout?: number;
  readonly maxConnections?: number;
  readonly trustProxy?: boolean;
  readonly httpHandler?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Accept permessage-deflate (RFC 7692) and the legacy deflate-frame offers; off by default. */
  readonly perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** What send(binary) does toward a hixie client (docs/api.md "What every draft guarantees"). */
  readonly binaryToLegacy?: BinaryToLegacy;
}

export interface ResolvedServerOptions {
  readonly mode: 'port' | 'server' | 'noServer';
  readonly port: number;
  readonly host: string;
  readonly server: HttpServer | HttpsServer | undefined;
  readonly tls: (TlsOptions & SecureContextOptions) | undefined;
  readonly path: string | undefined;
  readonly drafts: readonly DraftId[];
  readonly handleProtocols: ServerOptions['handleProtocols'];
  readonly verifyClient: ServerOptions['verifyClient'];
  readonly maxPayload: number;
  readonly maxFragments: number;
  readonly writeHighWaterMark: number;
  readonly maxBufferedBytes: number;
  readonly idleTimeout: number;
  readonly handshakeTimeout: number;
  readonly closeTimeout: number;
  readonly maxConnections: number;
  readonly trustProxy: boolean;
  readonly httpHandler: ServerOptions['httpHandler'];
  readonly perMessageDeflate: ResolvedCompression | undefined;
  readonly binaryToLegacy: BinaryToLegacy;
}

export const DEFAULT_MAX_PAYLOAD = 100 * 1024 * 1024;
export const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;
export const DEFAULT_CLOSE_TIMEOUT = 10_000;
/** Never below maxPayload, so one message of the largest allowed size always fits. */
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

const isPositiveInteger: OptionCheck = (v) =>
  Number.isInteger(v) && (v as number) > 0 ? undefined : 'a positive integer';
const isPositiveOrInfinity: OptionCheck = (v) =>
  v === Number.POSITIVE_INFINITY || isPositiveNumber(v) === undefined
    ? undefined
    : 'a positive number or Infinity';

const isDraftList: OptionCheck = (v) =>
  Array.isArray(v) && v.length > 0 && v.every((d) => typeof d === 'string' && isDraftId(d))
    ? undefined
    : `a non-empty array of draft ids (${ALL_DRAFTS.join(', ')})`;
const isHttpServer: OptionCheck = (v) =>
  typeof v === 'object' && v !== null && typeof (v as { on?: unknown }).on === 'function'
    ? undefined
    : 'an http or https server';
const isMaxConnections: OptionCheck = (v) =>
  v === Number.POSITIVE_INFINITY || (Number.isInteger(v) && (v as number) >= 0)
    ? undefined
    : 'a non-negative integer or Infinity';

const SPEC: Readonly<Record<keyof ServerOptions, OptionCheck>> = {
  port: isPort,
  host: isString,
  server: isHttpServer,
  noServer: isBoolean,
  tls: isObject,
  path: (v) => (typeof v === 'string' && v.startsWith('/') ? undefined : "a string starting with '/'"),
  drafts: isDraftList,
  handleProtocols: isFunction,
  verifyClient: isFunction,
  maxPayload: isPositiveNumber,
  maxFragments: isPositiveInteger,
  writeHighWaterMark: isPositiveNumber,
  maxBufferedBytes: isPositiveOrInfinity,
  idleTimeout: isNonNegativeNumber,
  handshakeTimeout: isPositiveNumber,
  closeTimeout: isNonNegativeNumber,
  maxConnections: isMaxConnections,
  trustProxy: isBoolean,
  httpHandler: isFunction,
  perMessageDeflate: isPerMessageDeflate,
  binaryToLegacy: oneOf(BINARY_TO_LEGACY),
};

export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  const o = checkOptions('createServer', options, SPEC) as ServerOptions;
  const modes = [o.port !== undefined, o.server !== undefined, o.noServer === true].filter(Boolean).length;
  if (modes !== 1)
    throw new TypeError("createServer: give exactly one of 'port', 'server' or 'noServer: true'");
  if (o.tls !== undefined && o.port === undefined)
    throw new TypeError(
      "createServer: option 'tls' only applies with 'port' (pass an https server as 'server')",
    );
  if (o.httpHandler !== undefined && o.port === undefined)
    throw new TypeError("createServer: option 'httpHandler' only applies with 'port'");
  const drafts = o.drafts ? ALL_DRAFTS.filter((d) => o.drafts?.includes(d)) : ALL_DRAFTS;
  const maxPayload = o.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  return {
    mode: o.port !== undefined ? 'port' : o.server !== undefined ? 'server' : 'noServer',
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    server: o.server,
    tls: o.tls,
    path: o.path,
    drafts,
    handleProtocols: o.handleProtocols,
    verifyClient: o.verifyClient,
    maxPayload,
    maxFragments: o.maxFragments ?? DEFAULT_MAX_FRAGMENTS,
    writeHighWaterMark: o.writeHighWaterMark ?? DEFAULT_WRITE_HIGH_WATER_MARK,
    maxBufferedBytes: o.maxBufferedBytes ?? Math.max(DEFAULT_MAX_BUFFERED_BYTES, maxPayload),
    idleTimeout: o.idleTimeout ?? 0,
    handshakeTimeout: o.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
    closeTimeout: o.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT,
    maxConnections: o.maxConnections ?? Number.POSITIVE_INFINITY,
    trustProxy: o.trustProxy ?? false,
    httpHandler: o.httpHandler,
    perMessageDeflate: resolveCompression('createServer', o.perMessageDeflate),
    binaryToLegacy: o.binaryToLegacy ?? DEFAULT_BINARY_TO_LEGACY,
  };
}
