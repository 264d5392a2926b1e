// ws 8's client handshake (lib/websocket.js initAsClient) on http(s).request, so `agent`,
// `createConnection`, TLS options, 'upgrade', 'unexpected-response' and redirects behave as in ws; the
// request headers and the checks on the 101 are the hybi draft's own (protocolVersion 13: RFC 6455,
// 8: hybi-08..12), and the open connection is a wscompat Connection.
import type { EventEmitter } from 'node:events';
import {
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { Connection } from '../connection/connection.js';
import { HANDSHAKE_FAILED, SET_ABORT } from '../connection/internal.js';
import { CONNECTING } from '../connection/ready-state.js';
import { parseRequestHead } from '../core/http-head.js';
import { cryptoRng } from '../core/rng.js';
import type { Draft, ClientRequest as DraftRequest, HeaderLine, ResponseHead } from '../core/types.js';
import { getDraft } from '../drafts.js';
import { openClientOver } from '../node/client.js';
import type { ClientOptions } from './types.js';

/** The WebSocket the handshake reports to ('upgrade', 'redirect', 'unexpected-response'). */
export interface ClientHost extends EventEmitter {
  setUrl(url: string): void;
}

const EMPTY = Buffer.alloc(0);
/** ws's own options: everything else goes to http(s).request, as ws passes it. */
const WS_ONLY = [
  'protocolVersion',
  'handshakeTimeout',
  'maxPayload',
  'closeTimeout',
  'followRedirects',
  'maxRedirects',
  'perMessageDeflate',
  'skipUTF8Validation',
  'autoPong',
  'allowSynchronousEvents',
  'maxBufferedChunks',
  'maxFragments',
  'maxPendingAutoPongs',
  'finishRequest',
  'origin',
  'generateMask',
  'headers',
];

interface Attempt {
  readonly host: ClientHost;
  readonly conn: Connection;
  readonly draft: Draft;
  readonly protocols: string[];
  readonly options: ClientOptions;
  redirects: number;
  req: ClientRequest | undefined;
  /** The first URL's host and scheme: credentials are dropped on a redirect elsewhere (as ws, curl). */
  readonly origin: { readonly host: string; readonly secure: boolean };
}

/** ws accepts http: and https: URLs for ws: and wss:; anything else, or a fragment, is a SyntaxError. */
function websocketUrl(address: string | URL): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new SyntaxError(`Invalid URL: ${String(address)}`);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    url = new URL(url);
    url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new SyntaxError('The URL\'s protocol must be one of "ws:", "wss:", "http:", or "https:"');
  if (url.hash) throw new SyntaxError('The URL contains a fragment identifier');
  return url;
}

/** Start a ws-style client: the returned connection is CONNECTING until 'open' (or 'error' + 'close'). */
export function openClient(
  host: ClientHost,
  address: string | URL,
  protocols: string[],
  options: ClientOptions,
): { conn: Connection; url: string } {
  const version = options.protocolVersion ?? 13;
  if (version !== 13 && version !== 8)
    throw new RangeError(`Unsupported protocol version: ${version} (supported versions: 8, 13)`);
  const url = websocketUrl(address);
  const draft = getDraft(version === 8 ? 'hybi-10' : 'rfc6455');
  const conn = new Connection({
    draft: draft.id,
    caps: draft.caps,
    role: 'client',
    url: url.href,
    closeTimeout: options.closeTimeout ?? 30_000,
  });
  const attempt: Attempt = {
    host,
    conn,
    draft,
    protocols,
    options,
    redirects: 0,
    req: undefined,
    origin: { host: url.host, secure: url.protocol === 'wss:' },
  };
  // close() or terminate() while CONNECTING: the Connection reports it, the request goes away.
  conn[SET_ABORT](() => attempt.req?.destroy());
  send(attempt, url, true);
  return { conn, url: url.href };
}

/** The draft's request head, as header lines for http.request (Host is http's to write). */
function handshakeHeaders(attempt: Attempt, url: URL): { built: DraftRequest; lines: HeaderLine[] } {
  const { draft, protocols, options } = attempt;
  let built: DraftRequest;
  try {
    built = draft.buildRequest({
      url,
      protocols,
      rng: cryptoRng,
      ...(options.origin ? { origin: options.origin } : {}),
    });
  } catch {
    throw new SyntaxError('An invalid or duplicated subprotocol was specified');
  }
  const parsed = parseRequestHead(built.bytes);
  if (parsed.kind !== 'head') throw new Error('wscompat/ws: the draft built an unreadable request');
  return { built, lines: parsed.head.headers.filter(([name]) => name.toLowerCase() !== 'host') };
}

function requestOptions(attempt: Attempt, url: URL, lines: HeaderLine[]): RequestOptions {
  const { options } = attempt;
  const passed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (!WS_ONLY.includes(k)) passed[k] = v;
  const headers: Record<string, string> = { ...stripOnRedirect(attempt, url, options.headers ?? {}) };
  for (const [name, value] of lines) headers[name] = value;
  const secure = url.protocol === 'wss:';
  const defaultPort = secure ? 443 : 80;
  const auth =
    url.username || url.password
      ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
      : undefined;
  return {
    ...passed,
    ...(options.agent || options.createConnection
      ? {}
      : { createConnection: secure ? secureSocket : netConnect }),
    defaultPort,
    host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port || defaultPort,
    path: url.pathname + url.search,
    method: 'GET',
    headers,
    ...(auth === undefined ? {} : { auth }),
    ...(options.handshakeTimeout ? { timeout: options.handshakeTimeout } : {}),
  } as RequestOptions;
}

/** ws's tlsConnect: SNI is the host name unless the host is an IP address. */
function secureSocket(options: ConnectionOptions & { host?: string }): Socket {
  const host = options.host ?? '';
  return tlsConnect({ ...options, servername: options.servername ?? (isIP(host) ? '' : host) });
}

/** On a redirect to another host (or from wss: to ws:), credentials stay behind, as in ws and curl. */
function stripOnRedirect(
  attempt: Attempt,
  url: URL,
  headers: Record<string, string>,
): Record<string, string> {
  if (attempt.redirects === 0 || attempt.host.listenerCount('redirect') > 0) return headers;
  const sameHost = url.host === attempt.origin.host;
  if (sameHost && !(attempt.origin.secure && url.protocol !== 'wss:')) return headers;
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (name === 'authorization' || name === 'cookie' || (!sameHost && name === 'host')) continue;
    kept[k] = v;
  }
  return kept;
}

function fail(attempt: Attempt, err: Error, socket?: Socket): void {
  attempt.req = undefined;
  socket?.destroy();
  attempt.conn[HANDSHAKE_FAILED](err);
}

function send(attempt: Attempt, url: URL, first: boolean): void {
  let prepared: { built: DraftRequest; lines: HeaderLine[] };
  try {
    prepared = handshakeHeaders(attempt, url);
  } catch (err) {
    if (first) throw err;
    fail(attempt, err as Error);
    return;
  }
  const secure = url.protocol === 'wss:';
  const req = (secure ? httpsRequest : httpRequest)(requestOptions(attempt, url, prepared.lines));
  attempt.req = req;
  if (attempt.redirects > 0) attempt.host.emit('redirect', url.href, req);
  req.on('timeout', () => {
    req.destroy();
    fail(attempt, new Error('Opening handshake has timed out'));
  });
  req.on('error', (err) => {
    if (attempt.req === req) fail(attempt, err);
  });
  req.on('response', (res) => onResponse(attempt, url, req, res));
  req.on('upgrade', (res, socket: Socket, head: Buffer) =>
    onUpgrade(attempt, prepared.built, res, socket, head),
  );
  if (attempt.options.finishRequest) attempt.options.finishRequest(req, attempt.host);
  else req.end();
}

function onResponse(attempt: Attempt, url: URL, req: ClientRequest, res: IncomingMessage): void {
  const { options } = attempt;
  const location = res.headers.location;
  const status = res.statusCode ?? 0;
  if (location && options.followRedirects && status >= 300 && status < 400) {
    attempt.req = undefined;
    req.destroy();
    if (++attempt.redirects > (options.maxRedirects ?? 10)) {
      fail(attempt, new Error('Maximum redirects exceeded'));
      return;
    }
    let next: URL;
    try {
      next = websocketUrl(new URL(location, url));
    } catch (err) {
      fail(attempt, err as Error);
      return;
    }
    attempt.host.setUrl(next.href);
    send(attempt, next, false);
    return;
  }
  // A listener takes the response over (and aborts the WebSocket itself), as in ws.
  if (attempt.host.emit('unexpected-response', req, res)) return;
  req.destroy();
  fail(attempt, new Error(`Unexpected server response: ${status}`));
}

function responseHead(res: IncomingMessage): ResponseHead {
  const headers: HeaderLine[] = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
    headers.push([res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '']);
  return {
    httpVersion: res.httpVersion,
    status: res.statusCode ?? 0,
    reason: res.statusMessage ?? '',
    headers,
  };
}

function onUpgrade(
  attempt: Attempt,
  built: DraftRequest,
  res: IncomingMessage,
  socket: Socket,
  head: Buffer,
): void {
  attempt.host.emit('upgrade', res);
  // A listener of 'upgrade' may have closed the WebSocket.
  if (attempt.conn.readyState !== CONNECTING) {
    socket.destroy();
    return;
  }
  attempt.req = undefined;
  const verdict = built.verify(responseHead(res), EMPTY, EMPTY);
  const problem = !verdict.ok
    ? verdict.reason
    : attempt.protocols.length > 0 && verdict.protocol === ''
      ? 'Server sent no subprotocol'
      : undefined;
  if (problem !== undefined || !verdict.ok) {
    fail(attempt, new Error(problem), socket);
    return;
  }
  const maxPayload = attempt.options.maxPayload ?? 100 * 1024 * 1024;
  openClientOver(attempt.conn, attempt.draft, socket, verdict, head, { maxPayload, rng: cryptoRng });
}
