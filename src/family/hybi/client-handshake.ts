// Client side of the hybi opening handshake (RFC 6455 §4.1): the request and checks on the 101.

import { acceptValue } from '../../core/crypto.js';
import { UsageError } from '../../core/faults.js';
import { hasToken, headerList, headerValues, singleHeader } from '../../core/headers.js';
import { serializeHead } from '../../core/http-head.js';
import type {
  ClientHandshakeOptions,
  ClientRequest,
  ClientVerdict,
  HeaderLine,
  ResponseHead,
} from '../../core/types.js';
import { extensionOffer, readExtensionAnswer } from '../../extensions/negotiate.js';
import type { HybiProfile } from './profile.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Build the opening request. Throws UsageError for a URL or subprotocol we could never send. */
export function buildHybiRequest(profile: HybiProfile, options: ClientHandshakeOptions): ClientRequest {
  const { url, protocols } = options;
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new UsageError('INVALID_URL', `expected a ws: or wss: URL, got ${url.protocol}`);
  // RFC 6455 §4.1: subprotocols are unique tokens.
  for (const p of protocols)
    if (!TOKEN.test(p)) throw new UsageError('INVALID_PROTOCOL', `${JSON.stringify(p)} is not a token`);
  if (new Set(protocols).size !== protocols.length)
    throw new UsageError('INVALID_PROTOCOL', 'duplicate subprotocol');
  // RFC 6455 §4.1 item 7: 16 random bytes, base64-encoded.
  const key = Buffer.from(options.rng(16)).toString('base64');
  // URL drops the default port (80 for ws:, 443 for wss:), which is what Host must do (§4.1 item 4).
  const headers: HeaderLine[] = [
    ['Host', url.host],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', key],
  ];
  if (options.origin !== undefined) headers.push([profile.originHeader, options.origin]);
  if (protocols.length > 0) headers.push(['Sec-WebSocket-Protocol', protocols.join(', ')]);
  headers.push(['Sec-WebSocket-Version', String(profile.version)]);
  if (options.compression) headers.push(['Sec-WebSocket-Extensions', extensionOffer(options.compression)]);
  headers.push(...(options.headers ?? []));
  const target = `${url.pathname || '/'}${url.search}`;
  const expected = acceptValue(key);
  return {
    bytes: serializeHead(`GET ${target} HTTP/1.1`, headers),
    responseBodyLength: 0,
    verify: (head) => verifyResponse(head, expected, protocols, options.compression),
  };
}

/** RFC 6455 §4.1: the checks a client makes on the server's answer; each failure says which. */
function verifyResponse(
  head: ResponseHead,
  expected: string,
  offered: readonly string[],
  compression: ClientHandshakeOptions['compression'],
): ClientVerdict {
  const fail = (reason: string): ClientVerdict => ({ ok: false, reason });
  if (head.status !== 101) return fail(`expected status 101, got ${head.status}`);
  if (!hasToken(head.headers, 'Upgrade', 'websocket')) return fail('Upgrade header is not websocket');
  if (!hasToken(head.headers, 'Connection', 'upgrade'))
    return fail('Connection header does not contain upgrade');
  const accept = singleHeader(head.headers, 'Sec-WebSocket-Accept');
  if (accept === 'duplicate') return fail('more than one Sec-WebSocket-Accept header');
  if (accept.value === undefined) return fail('missing Sec-WebSocket-Accept header');
  if (accept.value !== expected) return fail('Sec-WebSocket-Accept does not match the key');
  const chosen = headerList(head.headers, 'Sec-WebSocket-Protocol');
  if (chosen.length > 1) return fail('server chose more than one subprotocol');
  const protocol = chosen[0] ?? '';
  if (protocol !== '' && !offered.includes(protocol))
    return fail(`server chose subprotocol ${JSON.stringify(protocol)} which was not offered`);
  // §4.1 item 5 of the checks: only an extension we offered, with parameters inside our offer (RFC 7692 §7.1).
  const answer = headerValues(head.headers, 'Sec-WebSocket-Extensions');
  const extensions = readExtensionAnswer(answer, compression);
  if (!extensions.ok) return fail(extensions.reason);
  const { negotiated } = extensions;
  return {
    ok: true,
    protocol,
    extensions: answer.join(', '),
    ...(negotiated ? { compression: negotiated } : {}),
  };
}
