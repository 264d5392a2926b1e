// Server-side negotiation: sniff the draft, check the path, let that draft answer (drafts.md §6, §8).
import type {
  AcceptResult,
  DraftId,
  HeaderLine,
  Rejection,
  RequestHead,
  ServerHandshakeOptions,
} from '../core/types.js';
import { getDraft } from '../drafts.js';
import { sniff, versionList } from './sniff.js';

export interface NegotiateOptions extends ServerHandshakeOptions {
  /** When set, only this exact path (the request-target without its query) is served; others get 404. */
  readonly path?: string;
}

export type Negotiation =
  | { readonly ok: true; readonly draft: DraftId; readonly accept: Extract<AcceptResult, { ok: true }> }
  | { readonly ok: false; readonly rejection: Rejection; readonly draft: DraftId | undefined };

/** The path part of a request-target: origin-form `/a?b` or absolute-form `http://h/a?b` (RFC 9112 §3.2). */
export function targetPath(target: string): string {
  let rest = target;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length) || '/';
  const q = rest.search(/[?#]/);
  return q < 0 ? rest : rest.slice(0, q);
}

/**
 * What a server answers to an upgrade request, without touching a socket: the Node server and the replay
 * engine both call this. A request that is not a WebSocket upgrade at all gets 426 (RFC 9110 §15.5.22),
 * since whoever calls this was handed an upgrade and has no plain HTTP to fall back on.
 */
export function negotiate(head: RequestHead, options: NegotiateOptions): Negotiation {
  const sniffed = sniff(head, { drafts: options.drafts });
  if (sniffed.kind === 'reject') return { ok: false, rejection: sniffed.rejection, draft: sniffed.draft };
  if (sniffed.kind === 'not-websocket') {
    const list = versionList(options.drafts);
    const headers: HeaderLine[] = [
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
    ];
    if (list !== '') headers.push(['Sec-WebSocket-Version', list]);
    return {
      ok: false,
      rejection: { ok: false, status: 426, reason: 'not a WebSocket request', headers },
      draft: undefined,
    };
  }
  // 404 rather than 400: the handshake itself may be fine, there is just nothing at that path.
  if (options.path !== undefined && targetPath(head.target) !== options.path)
    return {
      ok: false,
      rejection: { ok: false, status: 404, reason: 'unknown path', headers: [] },
      draft: sniffed.draft,
    };
  const accept = getDraft(sniffed.draft).acceptRequest(head, options);
  if (!accept.ok) return { ok: false, rejection: accept, draft: sniffed.draft };
  return { ok: true, draft: sniffed.draft, accept };
}
