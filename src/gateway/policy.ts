// The gateway's mapping policy between a client of any draft and an RFC 6455 or TCP upstream (pure).
// Close codes: RFC 6455 §7.4.1 and §7.1.5; hixie-75/76 carry none. websockify framing: binary or base64.
import type { BinaryToLegacy } from '../connection/legacy-binary.js';
import type { Caps } from '../core/types.js';

/**
 * What to do with a binary upstream message when the client's draft has no binary frames (hixie): the
 * connection layer's policy (connection/legacy-binary.ts). 'close' is the gateway's own: it ends both
 * sides, with 1003 toward the upstream.
 */
export type { BinaryToLegacy } from '../connection/legacy-binary.js';
export { BINARY_TO_LEGACY } from '../connection/legacy-binary.js';

/** A close to perform on one side: `code` undefined means a close without a status code. */
export interface CloseSpec {
  readonly code: number | undefined;
  readonly reason: string;
}

/** How one message crossing the gateway is handled. */
export type Forward =
  | { readonly kind: 'send'; readonly data: string | Buffer }
  | { readonly kind: 'drop' }
  /** The message cannot be delivered: close both sides (`toSource` is the side it came from). */
  | { readonly kind: 'close'; readonly toSource: CloseSpec; readonly toTarget: CloseSpec };

/** RFC 6455 §7.4.1: 1003 "received a type of data it cannot accept". */
export const CLOSE_UNSUPPORTED_DATA = 1003;
/** RFC 6455 §7.4.1: 1001 "going away" (server shutting down, peer gone). */
export const CLOSE_GOING_AWAY = 1001;
/** RFC 6455 §7.4.1: 1011 "unexpected condition" (here: the other side failed). */
export const CLOSE_INTERNAL_ERROR = 1011;
/** RFC 6455 §7.4.1: 1007 "data inconsistent with the type of the message" (bad base64). */
export const CLOSE_INVALID_PAYLOAD = 1007;

/**
 * Codes an endpoint may put in a close frame (RFC 6455 §7.4.1-§7.4.2): 1000-1003, 1007-1014 (1012-1014
 * from the IANA registry), 3000-4999. 1004-1006 and 1015 "MUST NOT be set as a status code" (§7.4.1).
 */
export function isSendableCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

/** A reason cut to the 123 bytes a close frame can hold (RFC 6455 §5.5), never splitting a character. */
export function fitReason(reason: string): string {
  if (Buffer.byteLength(reason, 'utf8') <= 123) return reason;
  let out = '';
  for (const ch of reason) {
    if (Buffer.byteLength(out + ch, 'utf8') > 123) break;
    out += ch;
  }
  return out;
}

/**
 * An upstream message toward the client. Text is text on every draft; binary is passed on as binary and
 * the client's Connection applies `binaryToLegacy` when its draft lacks binary frames ('base64', 'utf8',
 * 'drop', 'error'), except 'close', which ends both sides here: 1003 toward the upstream (RFC 6455
 * §7.4.1) and a clean close toward the client, whose draft cannot carry the code anyway.
 */
export function upstreamToClient(
  data: Buffer,
  isBinary: boolean,
  clientCaps: Caps,
  binaryToLegacy: BinaryToLegacy,
): Forward {
  if (!isBinary) return { kind: 'send', data: data.toString('utf8') };
  if (clientCaps.binary || binaryToLegacy !== 'close') return { kind: 'send', data };
  return {
    kind: 'close',
    toSource: { code: CLOSE_UNSUPPORTED_DATA, reason: 'client cannot receive binary messages' },
    toTarget: { code: undefined, reason: '' },
  };
}

/** A client message toward an RFC 6455 upstream: every draft's messages fit, unchanged. */
export function clientToUpstream(data: Buffer, isBinary: boolean): Forward {
  return { kind: 'send', data: isBinary ? data : data.toString('utf8') };
}

/**
 * The close to send to one side after the other side's connection ended with (code, reason, wasClean).
 * A clean close passes its code and reason where the receiving draft can carry them and the code may
 * appear on the wire (1005 "no status" becomes a close without a code, RFC 6455 §7.4.1). An unclean end
 * (1006, or a protocol fault on that side) is not the receiving side's fault: it gets 1001 when the
 * peer that vanished is the client, 1011 when it is the upstream.
 */
export function mapClose(
  code: number,
  reason: string,
  wasClean: boolean,
  from: 'client' | 'upstream',
  targetCaps: Caps,
): CloseSpec {
  if (!targetCaps.closeCodes) return { code: undefined, reason: '' };
  if (!wasClean) {
    return from === 'client'
      ? { code: CLOSE_GOING_AWAY, reason: `client connection ended (${code})` }
      : { code: CLOSE_INTERNAL_ERROR, reason: `upstream connection ended (${code})` };
  }
  if (!isSendableCloseCode(code)) return { code: undefined, reason: '' };
  return { code, reason: fitReason(reason) };
}

/** The close sent to both sides when one side was idle longer than its timeout. */
export function idleClose(side: 'client' | 'upstream', caps: Caps): CloseSpec {
  if (!caps.closeCodes) return { code: undefined, reason: '' };
  return { code: CLOSE_GOING_AWAY, reason: `${side} idle timeout` };
}

/** The close sent to a side when the gateway shuts down (RFC 6455 §7.4.1: 1001 "going away"). */
export function shutdownClose(caps: Caps): CloseSpec {
  if (!caps.closeCodes) return { code: undefined, reason: '' };
  return { code: CLOSE_GOING_AWAY, reason: 'gateway shutting down' };
}

// ---- TCP upstream (websockify mode) ----

/** How TCP bytes travel in WebSocket messages for one client. */
export type TcpFraming = 'binary' | 'base64';

/**
 * The subprotocol to answer among those the client offered, as websockify does: 'binary' when the
 * client can receive binary, else 'base64'; undefined when it offered neither (framing then follows caps).
 */
export function chooseTcpProtocol(offered: readonly string[], caps: Caps): string | undefined {
  if (caps.binary && offered.includes('binary')) return 'binary';
  if (offered.includes('base64')) return 'base64';
  return undefined;
}

/** Base64 text for drafts without binary frames and for clients that chose `base64`; binary otherwise. */
export function tcpFraming(caps: Caps, protocol: string): TcpFraming {
  return !caps.binary || protocol === 'base64' ? 'base64' : 'binary';
}

/** Bytes read from the TCP upstream, as one message toward the client. */
export function tcpToClient(bytes: Buffer, framing: TcpFraming): string | Buffer {
  return framing === 'base64' ? bytes.toString('base64') : bytes;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A client message, as bytes for the TCP upstream. In base64 framing a text message must be canonical
 * base64 (else 1007, RFC 6455 §7.4.1); binary messages always pass raw; in binary framing a text
 * message passes as its UTF-8 bytes.
 */
export function clientToTcp(
  data: Buffer,
  isBinary: boolean,
  framing: TcpFraming,
): { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly close: CloseSpec } {
  if (isBinary || framing === 'binary') return { ok: true, bytes: data };
  const text = data.toString('latin1').replace(/[\r\n]/g, '');
  if (!BASE64.test(text))
    return { ok: false, close: { code: CLOSE_INVALID_PAYLOAD, reason: 'text message is not base64' } };
  return { ok: true, bytes: Buffer.from(text, 'base64') };
}
