// Reading a server's answer to our opening handshake (RFC 6455 §4.1 steps 1-6; hixie-76 §4.1 steps 29-45):
// bounded buffering, the status, then the draft's own verify over the head and its body.
import { DEFAULT_MAX_HEAD_BYTES, parseResponseHead } from './http-head.js';
import type { ClientRequest, NegotiatedCompression, ResponseHead } from './types.js';

export type HandshakeResponse =
  | { readonly kind: 'wait' }
  /** `head` is the server's answer when it sent a parsable one (its status, a version list to retry with). */
  | { readonly kind: 'refused'; readonly head: ResponseHead | undefined; readonly reason: string }
  | {
      readonly kind: 'accepted';
      readonly head: ResponseHead;
      readonly protocol: string;
      readonly extensions: string;
      readonly compression?: NegotiatedCompression;
      /** Where frames start in `received`: after the head and its body (hixie-76: the 16-byte answer). */
      readonly bodyEnd: number;
    };

/**
 * Where the response in `received` stands. A status other than 101 is a refusal at once, without waiting
 * for a body the server will never send; nothing beyond head limit plus body is ever waited for.
 */
export function readHandshakeResponse(received: Buffer, request: ClientRequest): HandshakeResponse {
  const parsed = parseResponseHead(received);
  if (parsed.kind === 'need-more') {
    if (received.length <= DEFAULT_MAX_HEAD_BYTES + request.responseBodyLength) return { kind: 'wait' };
    return { kind: 'refused', head: undefined, reason: 'response head too large' };
  }
  if (parsed.kind === 'error')
    return { kind: 'refused', head: undefined, reason: `malformed response: ${parsed.reason}` };
  const { head, consumed } = parsed;
  if (head.status !== 101)
    return { kind: 'refused', head, reason: `server answered ${head.status} ${head.reason}` };
  const bodyEnd = consumed + request.responseBodyLength;
  if (received.length < bodyEnd) return { kind: 'wait' };
  const verdict = request.verify(head, received.subarray(consumed, bodyEnd), received.subarray(0, consumed));
  if (!verdict.ok) return { kind: 'refused', head, reason: `handshake refused: ${verdict.reason}` };
  const { protocol, extensions, compression } = verdict;
  return { kind: 'accepted', head, protocol, extensions, bodyEnd, ...(compression ? { compression } : {}) };
}
