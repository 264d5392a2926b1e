// Handshake digests: RFC 6455 §4.2.2 accept value and hixie-76 §5.2 MD5 challenge answer.
import * as nodeCrypto from 'node:crypto';

/**
 * Node's one-shot digest (20.12+): no Hash object per call, a measurable share of a handshake's CPU.
 * Looked up on the namespace, because a named import of a missing export fails to link on older 20.x.
 */
const oneShot = (
  nodeCrypto as { hash?: (alg: string, data: string | Uint8Array, encoding: string) => unknown }
).hash;

/** RFC 6455 §1.3: the GUID appended to the client key. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** base64(SHA-1(key + GUID)): `dGhlIHNhbXBsZSBub25jZQ==` gives `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`. */
export function acceptValue(key: string): string {
  // Keys are checked base64 (ASCII) by then, so UTF-8 and latin1 give the same bytes.
  if (oneShot !== undefined && /^[\x00-\x7f]*$/.test(key))
    return oneShot('sha1', key + WEBSOCKET_GUID, 'base64') as string;
  return nodeCrypto
    .createHash('sha1')
    .update(key + WEBSOCKET_GUID, 'latin1')
    .digest('base64');
}

export function md5(bytes: Uint8Array): Buffer {
  if (oneShot !== undefined) return oneShot('md5', bytes, 'buffer') as Buffer;
  return nodeCrypto.createHash('md5').update(bytes).digest();
}

/** RFC 6455 §4.1: a client key is 16 random bytes, base64-encoded (24 characters). */
export function isValidClientKey(key: string): boolean {
  // Strict base64 of exactly 16 bytes: 22 significant characters, the last one with zero padding bits.
  return /^[A-Za-z0-9+/]{21}[AQgw]==$/.test(key);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Versions 7 and 8 as real clients sent them: npm `ws` 0.4.x-0.8.x used base64("8-" + Date.now()), 15
 * bytes, and em-websocket accepted it. Any non-empty base64 value; the accept hash works on any string.
 */
export function isLegacyClientKey(key: string): boolean {
  return key.length > 0 && BASE64.test(key);
}
