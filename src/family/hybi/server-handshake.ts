// Server side of the hybi opening handshake (RFC 6455 §4.2.1 reading, §4.2.2 answering, §4.4 versions).

import { EMPTY } from '../../core/bytes.js';
import { acceptValue, isLegacyClientKey, isValidClientKey } from '../../core/crypto.js';
import { hasToken, headerList, headerValue, headerValues, singleHeader } from '../../core/headers.js';
import type { AcceptResult, Rejection, RequestHead, ServerHandshakeOptions } from '../../core/types.js';
import { acceptExtensionOffers } from '../../extensions/negotiate.js';
import { switchingProtocols } from './accept-response.js';
import { HYBI_VERSIONS, type HybiProfile } from './profile.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `Sec-WebSocket-Version` values of the hybi drafts a server accepts, newest first (RFC 6455 §4.4). */
export function versionList(drafts: ServerHandshakeOptions['drafts']): string {
  const versions = new Set<number>();
  for (const id of drafts) {
    const v = HYBI_VERSIONS[id];
    if (v !== undefined) versions.add(v);
  }
  return [...versions].sort((a, b) => b - a).join(', ');
}

function reject(reason: string, options: ServerHandshakeOptions): Rejection {
  const list = versionList(options.drafts);
  return { ok: false, status: 400, reason, headers: list === '' ? [] : [['Sec-WebSocket-Version', list]] };
}

/** Why the request is not a valid opening handshake for this profile, or undefined when it is. */
function checkRequest(profile: HybiProfile, head: RequestHead): string | undefined {
  // RFC 6455 §4.2.1 items 1-6.
  if (head.method !== 'GET') return `method must be GET, not ${head.method}`;
  const [major = 0, minor = 0] = head.httpVersion.split('.').map(Number);
  if (major < 1 || (major === 1 && minor < 1)) return `HTTP/${head.httpVersion} is older than HTTP/1.1`;
  const host = singleHeader(head.headers, 'Host');
  if (host === 'duplicate') return 'more than one Host header';
  if (host.value === undefined) return 'missing Host header';
  if (!hasToken(head.headers, 'Upgrade', 'websocket')) return 'Upgrade header does not name websocket';
  if (!hasToken(head.headers, 'Connection', 'upgrade')) return 'Connection header does not contain upgrade';
  const key = singleHeader(head.headers, 'Sec-WebSocket-Key');
  if (key === 'duplicate') return 'more than one Sec-WebSocket-Key header';
  if (key.value === undefined) return 'missing Sec-WebSocket-Key header';
  // RFC 6455 §4.2.1 item 5: base64 of a 16-byte value. Versions 7/8 take any base64 (isLegacyClientKey).
  if (profile.version === 13 && !isValidClientKey(key.value))
    return 'Sec-WebSocket-Key is not base64 of 16 bytes';
  if (profile.version !== 13 && !isLegacyClientKey(key.value)) return 'Sec-WebSocket-Key is not base64';
  const version = singleHeader(head.headers, 'Sec-WebSocket-Version');
  if (version === 'duplicate') return 'more than one Sec-WebSocket-Version header';
  if (version.value === undefined) return 'missing Sec-WebSocket-Version header';
  if (version.value !== String(profile.version))
    return `Sec-WebSocket-Version ${JSON.stringify(version.value)} is not ${profile.version}`;
  const bad = headerList(head.headers, 'Sec-WebSocket-Protocol').find((p) => !TOKEN.test(p));
  if (bad !== undefined) return `subprotocol ${JSON.stringify(bad)} is not a token`;
  return undefined;
}

/**
 * Answer a request for this draft: a 101 per RFC 6455 §4.2.2, or a 400 listing the versions we speak.
 * Never throws on peer input. A `selectProtocol` answer that was not offered is treated as no subprotocol,
 * because RFC 6455 §4.2.2 only allows echoing one of the client's values.
 */
export function acceptHybiRequest(
  profile: HybiProfile,
  head: RequestHead,
  options: ServerHandshakeOptions,
): AcceptResult {
  const problem = checkRequest(profile, head);
  if (problem !== undefined) return reject(problem, options);
  const key = headerValue(head.headers, 'Sec-WebSocket-Key')!;
  const offered = headerList(head.headers, 'Sec-WebSocket-Protocol');
  const chosen = offered.length > 0 ? options.selectProtocol?.(offered) : undefined;
  const protocol = chosen !== undefined && offered.includes(chosen) ? chosen : '';
  // Offers we do not accept are declined by omission (§9.1); without a policy every offer is.
  const offers = headerValues(head.headers, 'Sec-WebSocket-Extensions');
  const accepted =
    options.compression && offers.length > 0 ? acceptExtensionOffers(offers, options.compression) : undefined;
  return {
    ok: true,
    response: switchingProtocols(acceptValue(key), protocol, accepted?.header ?? ''),
    protocol,
    extensions: accepted?.header ?? '',
    ...(accepted ? { compression: accepted.negotiated } : {}),
    bodyLength: 0,
    answerBody: () => EMPTY,
  };
}
