// The server side of RFC 8441: a WebSocket on one HTTP/2 stream, opened by an extended CONNECT
// (:method CONNECT, :protocol websocket) and answered 200. No key, no 101: the stream is the pipe, its
// flow control is the backpressure, and RFC 6455 framing (masking included) runs on it unchanged (§5).
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Http2ServerRequest, ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { Connection } from '../connection/connection.js';
import { EMPTY } from '../core/bytes.js';
import { getDraft } from '../drafts.js';
import { acceptExtensionOffers } from '../extensions/negotiate.js';
import { openServerConnection } from './open-server.js';
import type { UpgradeHost } from './upgrade.js';
import { chooseProtocol, HandshakeAttempt, verify } from './upgrade-hooks.js';

/** SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §3), as Node's http2 names it. */
export const HTTP2_WEBSOCKET_SETTINGS = { enableConnectProtocol: true } as const;

function header(req: Http2ServerRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Sec-WebSocket-Protocol values, in the client's order (RFC 6455 §4.1: a comma-separated token list). */
function offeredProtocols(req: Http2ServerRequest): string[] | undefined {
  const raw = header(req, 'sec-websocket-protocol');
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function refuse(
  host: UpgradeHost,
  req: Http2ServerRequest,
  status: number,
  reason: string,
  extra: Record<string, string> = {},
): undefined {
  const { stream } = req;
  host.rejected(status, reason, req as unknown as IncomingMessage);
  if (stream.destroyed || stream.headersSent) return undefined;
  stream.respond({ ':status': status, 'content-type': 'text/plain; charset=utf-8', ...extra });
  stream.end(`${reason}\n`);
  return undefined;
}

/**
 * Handle one extended CONNECT (the compat 'connect' event of an http2 server, or a user's call). Same
 * order as HTTP/1.1: limits, the request's own checks, verifyClient, handleProtocols, the 200.
 */
export function runExtendedConnect(
  host: UpgradeHost,
  req: Http2ServerRequest,
  done: (conn: Connection, req: IncomingMessage) => void,
): Promise<void> | undefined {
  const { options } = host;
  const { stream } = req;
  // Errors (RST_STREAM, session gone) end in 'close'; without a listener they would throw.
  stream.on('error', () => {});
  if (header(req, ':protocol') !== 'websocket')
    return refuse(host, req, 501, `unsupported :protocol '${header(req, ':protocol') ?? ''}'`);
  if (!options.drafts.includes('rfc6455'))
    return refuse(host, req, 400, 'WebSocket over HTTP/2 is RFC 6455, which this server does not accept');
  if (header(req, 'sec-websocket-version') !== '13')
    return refuse(host, req, 400, 'Sec-WebSocket-Version must be 13', { 'sec-websocket-version': '13' });
  const path = header(req, ':path') ?? '/';
  if (options.path !== undefined && path.split('?')[0] !== options.path)
    return refuse(host, req, 404, 'no WebSocket endpoint at this path');
  if (host.load() >= options.maxConnections) return refuse(host, req, 503, 'too many connections');
  const offered = offeredProtocols(req);
  if (!options.verifyClient && !(offered && options.handleProtocols))
    return accept(host, req, undefined, done);
  return runHooks(host, req, offered, done);
}

async function runHooks(
  host: UpgradeHost,
  req: Http2ServerRequest,
  offered: string[] | undefined,
  done: (conn: Connection, req: IncomingMessage) => void,
): Promise<void> {
  const { options } = host;
  const asNode = req as unknown as IncomingMessage;
  // The attempt needs only close/end/destroy from its "socket": a stream has all three.
  const attempt = new HandshakeAttempt(host, req.stream as unknown as Socket, options.handshakeTimeout);
  const refusal = await verify(options, host.listenerError, asNode, {
    draft: 'rfc6455',
    caps: getDraft('rfc6455').caps,
    secure: true,
    origin: header(req, 'origin'),
    protocols: offered ?? [],
    signal: attempt.signal,
  });
  if (attempt.over) return;
  if (refusal) {
    attempt.giveUp('refused', `refused with ${refusal.status}`);
    refuse(host, req, refusal.status, refusal.reason);
    return;
  }
  let chosen: string | undefined;
  if (offered) {
    const choice = await chooseProtocol(options, host.listenerError, offered, asNode);
    if (attempt.over) return;
    if (!('chosen' in choice)) {
      attempt.giveUp('refused', `refused with ${choice.status}`);
      refuse(host, req, choice.status, choice.reason);
      return;
    }
    // Only what the client offered may be agreed to (RFC 6455 §4.2.2 item 5.4).
    chosen = choice.chosen !== undefined && offered.includes(choice.chosen) ? choice.chosen : undefined;
  }
  attempt.succeeded();
  accept(host, req, chosen, done);
}

/** Connection-specific fields HTTP/2 forbids (RFC 9113 §8.2.2); Node would reset the stream for them. */
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'upgrade',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
]);

/**
 * ws's 'headers' event over HTTP/2: listeners get `HTTP/2 200` then `Name: value` lines and may push more;
 * the header lines are what the 200 carries (names lower-cased, repeated names kept, pseudo-headers and
 * connection-specific fields dropped). The status line is informative: the answer stays 200.
 */
function editedAnswer(
  host: UpgradeHost,
  answer: Record<string, string>,
  req: Http2ServerRequest,
): OutgoingHttpHeaders {
  const lines = ['HTTP/2 200', ...Object.entries(answer).map(([n, v]) => `${n}: ${v}`)];
  host.editHeaders(lines, req as unknown as IncomingMessage);
  const out: OutgoingHttpHeaders = { ':status': 200 };
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':', 1);
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name.startsWith(':') || CONNECTION_SPECIFIC.has(name)) continue;
    const value = line.slice(colon + 1).trim();
    const prev = out[name];
    out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [String(prev)]), value];
  }
  return out;
}

function accept(
  host: UpgradeHost,
  req: Http2ServerRequest,
  protocol: string | undefined,
  done: (conn: Connection, req: IncomingMessage) => void,
): undefined {
  const stream: ServerHttp2Stream = req.stream;
  if (stream.destroyed) return undefined;
  // The same negotiation as the HTTP/1.1 101 (RFC 8441 §5: the extensions header keeps its meaning).
  const offers = header(req, 'sec-websocket-extensions');
  const policy = host.options.perMessageDeflate?.policy;
  const ext = policy && offers !== undefined ? acceptExtensionOffers([offers], policy) : undefined;
  const answer = {
    ...(protocol ? { 'sec-websocket-protocol': protocol } : {}),
    ...(ext ? { 'sec-websocket-extensions': ext.header } : {}),
  };
  stream.respond(host.wantsHeaders() ? editedAnswer(host, answer, req) : { ':status': 200, ...answer });
  const url = header(req, ':path') ?? '/';
  const accepted = {
    draft: 'rfc6455' as const,
    url,
    protocol: protocol ?? '',
    extensions: ext?.header ?? '',
    ...(ext ? { compression: ext.negotiated } : {}),
  };
  openServerConnection(host, stream, accepted, req as unknown as IncomingMessage, done, EMPTY);
  return undefined;
}
