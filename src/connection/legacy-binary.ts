// What send(binary) does toward a peer whose draft has no binary frames (hixie-75/76 §4.2: length-prefixed
// frames are discarded by the receiver): one policy for servers, clients and the gateway (docs/api.md).

/**
 * 'error' (default): nothing is sent, `cb` gets a BINARY_UNSUPPORTED error and `undelivered` counts it.
 * 'base64': sent as text, base64 of the bytes. 'utf8': sent as text, the bytes read as UTF-8 (invalid
 * sequences become U+FFFD). 'drop': nothing is sent, counted, `cb` gets no error. 'close': counted, `cb`
 * gets the error and the connection closes (1003 where the draft carries codes: hixie sends `FF 00`).
 */
export type BinaryToLegacy = 'error' | 'base64' | 'utf8' | 'drop' | 'close';

export const BINARY_TO_LEGACY: readonly BinaryToLegacy[] = ['error', 'base64', 'utf8', 'drop', 'close'];

export const DEFAULT_BINARY_TO_LEGACY: BinaryToLegacy = 'error';

export function isBinaryToLegacy(value: unknown): value is BinaryToLegacy {
  return typeof value === 'string' && (BINARY_TO_LEGACY as readonly string[]).includes(value);
}

/** The text to send instead of `payload`, or undefined when the policy sends nothing. */
export function legacyText(policy: BinaryToLegacy, payload: Buffer): string | undefined {
  if (policy === 'base64') return payload.toString('base64');
  if (policy === 'utf8') return payload.toString('utf8');
  return undefined;
}
