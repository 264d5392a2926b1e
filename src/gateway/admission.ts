// Admitting one client: draft, origin and capacity checks, then its upstream opened before the client's
// handshake is answered, so the upstream's subprotocol (RFC 6455 §4.2.2) or refusal reaches the client.
import type { IncomingMessage } from 'node:http';
import type { DraftId, HeaderLine, RequestHead } from '../core/types.js';
import { getDraft } from '../drafts.js';
import { sniff } from '../sniff/sniff.js';
import type { RejectReason } from './log.js';
import type { ResolvedOptions } from './options.js';
import type { Side } from './side.js';
import { forwardedFor, upstreamUrl } from './target.js';
import { openTcpUpstream } from './upstream-tcp.js';
import { openWsUpstream } from './upstream-ws.js';

/** What the handshake hooks (verifyClient, handleProtocols) learn about a request we looked at first. */
export type Admission =
  | {
      readonly ok: true;
      readonly draft: DraftId;
      readonly upstream: Side;
      readonly protocol: string | undefined;
    }
  | { readonly ok: false; readonly status: number; readonly reason: string; readonly label: RejectReason };

export interface ClientFacts {
  readonly draft: DraftId | undefined;
  readonly origin: string | undefined;
  readonly userAgent: string;
  readonly offered: string[];
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function requestHead(req: IncomingMessage): RequestHead {
  const headers: HeaderLine[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return { method: req.method ?? 'GET', target: req.url ?? '/', httpVersion: req.httpVersion, headers };
}

/** Draft (if the request is a valid handshake of an allowed draft), origin, user agent, offered subprotocols. */
export function clientFacts(req: IncomingMessage, drafts: readonly DraftId[]): ClientFacts {
  const head = requestHead(req);
  const s = sniff(head, { drafts });
  // The draft's own acceptance check (pure; key3 is not needed yet) so no upstream is opened for a bad request.
  const valid = s.kind === 'websocket' && getDraft(s.draft).acceptRequest(head, { secure: false, drafts }).ok;
  // Hixie-75 named the header WebSocket-Protocol; hybi-07/08 named the origin Sec-WebSocket-Origin.
  const protocolHeader = header(req, 'sec-websocket-protocol') ?? header(req, 'websocket-protocol') ?? '';
  return {
    draft: valid && s.kind === 'websocket' ? s.draft : undefined,
    origin: header(req, 'origin') ?? header(req, 'sec-websocket-origin'),
    userAgent: header(req, 'user-agent') ?? '',
    offered: protocolHeader
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  };
}

/** RFC 9110 §15.6.3: 502 when the upstream is unreachable or answered nonsense; its 4xx/5xx passed on. */
function refusalStatus(status: number | undefined): number {
  return status !== undefined && status >= 400 && status <= 599 ? status : 502;
}

/** Open the upstream for an already-checked client. Resolves with the admission the hooks will read. */
export async function openUpstream(
  o: ResolvedOptions,
  req: IncomingMessage,
  facts: ClientFacts,
  draft: DraftId,
  abort: AbortSignal,
): Promise<Admission> {
  if (o.upstream.kind === 'tcp') {
    const r = await openTcpUpstream(o.upstream.host, o.upstream.port, o.connectTimeout, abort);
    if (!r.ok)
      return {
        ok: false,
        status: 502,
        reason: `upstream unreachable: ${r.reason}`,
        label: 'upstream_unreachable',
      };
    return { ok: true, draft, upstream: r.side, protocol: undefined };
  }
  const remote = req.socket.remoteAddress ?? '';
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  const headers: HeaderLine[] = [
    ['X-Forwarded-For', forwardedFor(header(req, 'x-forwarded-for'), remote, o.trustProxy)],
    [
      'X-Forwarded-Proto',
      o.trustProxy
        ? (header(req, 'x-forwarded-proto') ?? (secure ? 'https' : 'http'))
        : secure
          ? 'https'
          : 'http',
    ],
  ];
  if (facts.userAgent !== '') headers.push(['User-Agent', facts.userAgent]);
  const r = await openWsUpstream({
    url: upstreamUrl(o.upstream.url, req.url ?? '/', o.rewrite),
    // Only hybi clients may get a subprotocol the upstream picked among several; hixie echoes one value.
    protocols: facts.offered,
    origin: facts.origin,
    headers,
    timeout: o.connectTimeout,
    maxPayload: o.maxPayload,
    closeTimeout: 10_000,
    ca: o.upstreamCa,
    rejectUnauthorized: o.upstreamRejectUnauthorized,
    abort,
  });
  if (!r.ok) {
    const refused = r.status !== undefined;
    return {
      ok: false,
      status: refusalStatus(r.status),
      reason: refused ? `upstream refused: ${r.status} ${r.reason}` : `upstream unreachable: ${r.reason}`,
      label: refused ? 'upstream_refused' : 'upstream_unreachable',
    };
  }
  return { ok: true, draft, upstream: r.side, protocol: r.protocol === '' ? undefined : r.protocol };
}

/** The capability record of a draft, for choosing websockify framing before the Connection exists. */
export function capsOf(draft: DraftId) {
  return getDraft(draft).caps;
}
