// Which compression extension a connection uses: the server picks the first acceptable offer in the
// client's order (RFC 6455 §9.1); the client checks that the answer is one of its own offers (§4.1).
import type { CompressionPolicy, NegotiatedCompression } from '../core/types.js';
import {
  acceptDeflateFrameOffer,
  acceptDeflateFrameResponse,
  deflateFrameOffer,
  isDeflateFrame,
} from './deflate-frame.js';
import { formatExtension, parseExtensions } from './header.js';
import { acceptPmdOffer, acceptPmdResponse, PMD, pmdOffer } from './permessage-deflate.js';

/** What `perMessageDeflate: true` means on a server: ws's defaults, legacy deflate-frame accepted too. */
export const DEFAULT_SERVER_POLICY: CompressionPolicy = Object.freeze({
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: true,
  clientMaxWindowBits: true,
  deflateFrame: true,
});

export interface AcceptedExtension {
  /** The `Sec-WebSocket-Extensions` answer. */
  readonly header: string;
  readonly negotiated: NegotiatedCompression;
}

/**
 * The server's choice among the client's `Sec-WebSocket-Extensions` values, or undefined to decline all.
 * Malformed or unacceptable offers are skipped; only one compression extension can own RSV1.
 */
export function acceptExtensionOffers(
  values: readonly string[],
  policy: CompressionPolicy,
): AcceptedExtension | undefined {
  for (const element of parseExtensions(values)) {
    const accepted =
      element.name === PMD
        ? acceptPmdOffer(element, policy)
        : policy.deflateFrame && isDeflateFrame(element.name)
          ? acceptDeflateFrameOffer(element, policy)
          : undefined;
    if (accepted) return accepted;
  }
  return undefined;
}

/**
 * The client's `Sec-WebSocket-Extensions` offer: permessage-deflate, or with `deflateFrame` only the legacy
 * `x-webkit-deflate-frame`, as the WebKit generation sent it.
 */
export function extensionOffer(policy: CompressionPolicy): string {
  return policy.deflateFrame ? deflateFrameOffer(policy) : pmdOffer(policy);
}

/**
 * The client's reading of the server's answer: none, the negotiated extension, or why the connection must
 * fail (an extension not offered, two of them, a parameter outside the offer).
 */
export function readExtensionAnswer(
  values: readonly string[],
  policy: CompressionPolicy | undefined,
):
  | { readonly ok: true; readonly negotiated?: NegotiatedCompression }
  | { readonly ok: false; readonly reason: string } {
  const elements = parseExtensions(values);
  if (elements.length === 0) return { ok: true };
  const first = elements[0]!;
  const offered = policy === undefined ? undefined : policy.deflateFrame ? 'deflate-frame' : PMD;
  const kind = first.name === PMD ? PMD : isDeflateFrame(first.name) ? 'deflate-frame' : undefined;
  if (policy === undefined || kind !== offered)
    return { ok: false, reason: 'server answered with an extension that was not offered' };
  if (elements.length > 1) return { ok: false, reason: 'server answered with more than one extension' };
  const negotiated =
    kind === PMD ? acceptPmdResponse(first, policy) : acceptDeflateFrameResponse(first, policy);
  return typeof negotiated === 'string' ? { ok: false, reason: negotiated } : { ok: true, negotiated };
}

/**
 * For reports (`detect`): every offered element as sent, and what a server with `policy` answers ('' when it
 * declines them all).
 */
export function describeOffers(
  values: readonly string[],
  policy: CompressionPolicy = DEFAULT_SERVER_POLICY,
): { readonly offered: string[]; readonly accepted: string } {
  const offered = parseExtensions(values).map((e) =>
    e.malformed ? `(malformed${e.name === '' ? '' : ` ${e.name}`})` : formatExtension(e.name, e.params),
  );
  return { offered, accepted: acceptExtensionOffers(values, policy)?.header ?? '' };
}
