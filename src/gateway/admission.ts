// Opening one client's upstream from the server's verifyClient hook, before the client's handshake is
// answered, so the upstream's subprotocol (RFC 6455 §4.2.2) or refusal reaches the client.
import type { IncomingMessage } from 'node:http';
import type { HeaderLine } from '../core/types.js';
import type { VerifyClientInfo } from '../node/server-options.js';
import type { RejectReason } from './log.js';
import type { ResolvedOptions } from './options.js';
import type { Side } from './side.js';
import { forwardedFor, upstreamUrl } from './target.js';
import { openTcpUpstream } from './upstream-tcp.js';
import { openWsUpstream } from './upstream-ws.js';

/** An open upstream waiting for its client's handshake, or why the client is refused. */
export type Admission =
  | { readonly ok: true; readonly upstream: Side; readonly protocol: string | undefined }
  | { readonly ok: false; readonly status: number; readonly reason: string; readonly label: RejectReason };

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** RFC 9110 §15.6.3: 502 when the upstream is unreachable or answered nonsense; its 4xx/5xx passed on. */
function refusalStatus(status: number | undefined): number {
  return status !== undefined && status >= 400 && status <= 599 ? status : 502;
}

/** The request headers the upstream gets: who the client is, over what, with which user agent. */
function forwardHeaders(o: ResolvedOptions, req: IncomingMessage): HeaderLine[] {
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  const proto = secure ? 'https' : 'http';
  const headers: HeaderLine[] = [
    [
      'X-Forwarded-For',
      forwardedFor(header(req, 'x-forwarded-for'), req.socket.remoteAddress ?? '', o.trustProxy),
    ],
    ['X-Forwarded-Proto', o.trustProxy ? (header(req, 'x-forwarded-proto') ?? proto) : proto],
  ];
  const userAgent = header(req, 'user-agent');
  if (userAgent !== undefined && userAgent !== '') headers.push(['User-Agent', userAgent]);
  return headers;
}

/** Open the upstream for a client the server accepted so far; `info.signal` gives up when the client does. */
export async function openUpstream(o: ResolvedOptions, info: VerifyClientInfo): Promise<Admission> {
  if (o.upstream.kind === 'tcp') {
    const r = await openTcpUpstream(o.upstream.host, o.upstream.port, o.connectTimeout, info.signal);
    if (!r.ok)
      return {
        ok: false,
        status: 502,
        reason: `upstream unreachable: ${r.reason}`,
        label: 'upstream_unreachable',
      };
    return { ok: true, upstream: r.side, protocol: undefined };
  }
  const r = await openWsUpstream({
    url: upstreamUrl(o.upstream.url, info.req.url ?? '/', o.rewrite),
    protocols: info.protocols,
    origin: info.origin,
    headers: forwardHeaders(o, info.req),
    timeout: o.connectTimeout,
    maxPayload: o.maxPayload,
    closeTimeout: 10_000,
    ca: o.upstreamCa,
    rejectUnauthorized: o.upstreamRejectUnauthorized,
    perMessageDeflate: o.upstreamPerMessageDeflate,
    abort: info.signal,
  });
  if (!r.ok) {
    const refused = r.status !== undefined;
    return {
      ok: false,
      status: refusalStatus(r.status),
      reason: refused ? `upstream refused: ${r.status}` : `upstream unreachable: ${r.reason}`,
      label: refused ? 'upstream_refused' : 'upstream_unreachable',
    };
  }
  return { ok: true, upstream: r.side, protocol: r.protocol === '' ? undefined : r.protocol };
}
