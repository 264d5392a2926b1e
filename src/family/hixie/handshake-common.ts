// What the hixie-75 and hixie-76 handshakes share: caps, request checks, Location (hixie-76 §4.1, §5.1, §5.2).
import { UsageError } from '../../core/faults.js';
import { hasToken, headerValue, singleHeader } from '../../core/headers.js';
import type { Caps, ClientHandshakeOptions, HeaderLine, Rejection, RequestHead } from '../../core/types.js';

export function hixieCaps(closingHandshake: boolean): Caps {
  return {
    binary: false,
    ping: false,
    closeCodes: false,
    closingHandshake,
    fragmentation: false,
    extensions: false,
    compression: false,
  };
}

/** Hixie clients know no version negotiation, so every refusal is a plain 400 with a short reason. */
export function badRequest(reason: string): Rejection {
  return { ok: false, status: 400, reason, headers: [] };
}

/** The request fields both hixie servers need, or why the request is refused. */
export interface HixieRequestFields {
  readonly host: string;
  readonly origin: string | undefined;
  readonly protocol: string | undefined;
}

/**
 * hixie-76 §5.1 / hixie-75 §4.2: a GET with `Upgrade: WebSocket`, `Connection: Upgrade` and a Host.
 * Origin is not demanded: non-browser clients omit it (drafts.md §2, Java-WebSocket's mistake).
 */
export function readHixieRequest(head: RequestHead, protocolHeader: string): HixieRequestFields | Rejection {
  if (head.method !== 'GET') return badRequest('WebSocket handshake must be a GET');
  const upgrade = headerValue(head.headers, 'Upgrade');
  if (upgrade === undefined || upgrade.toLowerCase() !== 'websocket')
    return badRequest('Upgrade header must be WebSocket');
  if (!hasToken(head.headers, 'Connection', 'upgrade'))
    return badRequest('Connection header must contain Upgrade');
  const host = singleHeader(head.headers, 'Host');
  // The Location echo is built from Host; without one there is nothing the client would accept.
  if (host === 'duplicate' || host.value === undefined || host.value === '')
    return badRequest('exactly one Host header is required');
  const origin = singleHeader(head.headers, 'Origin');
  if (origin === 'duplicate') return badRequest('duplicate Origin header');
  const protocol = singleHeader(head.headers, protocolHeader);
  if (protocol === 'duplicate') return badRequest(`duplicate ${protocolHeader} header`);
  return { host: host.value, origin: origin.value, protocol: protocol.value };
}

/** hixie-76 §5.2: the Location the client opened, `ws://` or `wss://` by the connection's security. */
export function serverLocation(secure: boolean, host: string, target: string): string {
  return `${secure ? 'wss' : 'ws'}://${host}${target}`;
}

/** The parts of a client URL the hixie request and its checks use. */
export interface HixieClientTarget {
  readonly host: string;
  /** Path and query, as the request-target. */
  readonly target: string;
  /** What the server must echo as Location: scheme, host (port only if non-default), resource. */
  readonly location: string;
  readonly protocol: string | undefined;
}

/** hixie-76 §4.1 steps 1-5: split the URL; hixie can offer only one subprotocol. */
export function hixieClientTarget(options: ClientHandshakeOptions): HixieClientTarget {
  const { url } = options;
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new UsageError('INVALID_URL', `hixie needs a ws:// or wss:// URL, not ${url.protocol}`);
  if (options.protocols.length > 1)
    throw new UsageError('MULTIPLE_PROTOCOLS', 'hixie drafts can offer only one subprotocol');
  const protocol = options.protocols[0];
  // hixie-76 §4.1 step 3 (WebSocket API of the time): a protocol outside U+0020-U+007E is a SYNTAX_ERR.
  if (protocol !== undefined && !/^[\x20-\x7e]+$/.test(protocol))
    throw new UsageError('INVALID_PROTOCOL', 'a hixie subprotocol must be printable ASCII');
  if (options.origin !== undefined && /[\0\r\n]/.test(options.origin))
    throw new UsageError('INVALID_ORIGIN', 'origin must not contain CR, LF or NUL');
  const target = `${url.pathname || '/'}${url.search}`;
  const scheme = url.protocol === 'wss:' ? 'wss' : 'ws';
  return {
    host: url.host,
    target,
    location: `${scheme}://${url.host}${target}`,
    protocol,
  };
}

/** Extra headers a caller added, kept after the draft's own. */
export function extraHeaders(options: ClientHandshakeOptions): readonly HeaderLine[] {
  return options.headers ?? [];
}

/**
 * An echoed header must match exactly, case and all (hixie-76 §4.1 steps 41-44). With nothing to expect
 * (no Origin or subprotocol sent), `strict` refuses any value: a subprotocol we never offered.
 */
export function checkEcho(
  headers: readonly HeaderLine[],
  name: string,
  expected: string | undefined,
  strict: boolean,
): string | undefined {
  const got = singleHeader(headers, name);
  if (got === 'duplicate') return `duplicate ${name} header`;
  if (expected === undefined)
    return strict && got.value !== undefined ? `unexpected ${name}: ${got.value}` : undefined;
  if (got.value !== expected) return `${name} is ${JSON.stringify(got.value)}, expected ${expected}`;
  return undefined;
}
