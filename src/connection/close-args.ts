// Validation of the code and reason a user passes to close() (RFC 6455 §7.4.1-§7.4.2, §5.5).

/** RFC 6455 §5.5: a control frame payload is at most 125 bytes, 2 of them the code. */
export const MAX_REASON_BYTES = 123;

/**
 * Codes an endpoint may send (RFC 6455 §7.4.1): 1004-1006 and 1015 are never on the wire; 1012-1014 came
 * later (IANA): the codec refuses them on the drafts that predate them (hybi-07/08). Browsers allow only 1000 and 3000-4999; servers also
 * need 1001 (going away), 1008 (policy), 1011 (internal error) and friends.
 */
const SENDABLE = new Set([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014]);

/**
 * The code and reason to send, or a RangeError. A reason without a code means 1000 (WHATWG WebSockets
 * "close()"). Whether the negotiated draft knows the code is left to its codec.
 */
export function validateCloseArgs(
  code: number | undefined,
  reason: string | undefined,
): { code: number | undefined; reason: string } {
  if (code !== undefined) {
    if (!Number.isInteger(code) || (!SENDABLE.has(code) && (code < 3000 || code > 4999)))
      throw new RangeError(`close code must be 1000-1003, 1007-1014 or 3000-4999, got ${String(code)}`);
  }
  const text = reason ?? '';
  if (typeof text !== 'string') throw new TypeError('close reason must be a string');
  if (Buffer.byteLength(text, 'utf8') > MAX_REASON_BYTES)
    throw new RangeError(`close reason must be at most ${MAX_REASON_BYTES} bytes of UTF-8`);
  if (code === undefined && text !== '') return { code: 1000, reason: text };
  return { code, reason: text };
}
