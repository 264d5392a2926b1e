// The one table turning any close code into what the peer's draft can carry (RFC 6455 §7.4.1; drafts.md §5
// "Close codes by version"). Connection.close() and the gateway both go through it, so no code ever throws.
import type { DraftId } from '../core/types.js';

/**
 * Codes each hybi draft knows (the codec refuses the rest on the wire). 1012-1014 came after RFC 6455
 * (IANA registry); the RFC 6455 profile accepts them, as ws 8 and browsers do.
 */
const KNOWN: Readonly<Record<'rfc6455' | 'hybi-10' | 'hybi-07', readonly number[]>> = {
  rfc6455: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014],
  'hybi-10': [1000, 1001, 1002, 1003, 1004, 1007],
  'hybi-07': [1000, 1001, 1002, 1003, 1004],
};

/**
 * The nearest code an older draft has for a newer one. Errors stay errors: invalid data and a missing
 * extension are protocol errors (1002, as the hybi-07 codec reports invalid UTF-8); a policy refusal is
 * "data it cannot accept" (1003); too big is hybi's "frame too large" (1004); a server-side failure,
 * restart or overload is "going away" (1001), which is also where the IANA additions 1012-1014 go.
 */
const NEAREST: Readonly<Record<number, number>> = {
  1007: 1002,
  1008: 1003,
  1009: 1004,
  1010: 1002,
  1011: 1001,
  1012: 1001,
  1013: 1001,
  1014: 1001,
};

/** RFC 6455 §7.4.2: 3000-3999 registered, 4000-4999 private: every hybi draft passes them through. */
function isApplicationCode(code: number): boolean {
  return code >= 3000 && code <= 4999;
}

/**
 * The code to put in a close frame toward a peer of `draft`, or undefined for a close frame without a
 * code. Hixie drafts carry no code at all (hixie-76 sends `FF 00`, hixie-75 closes TCP). Codes that may
 * never be on the wire (1004-1006 and 1015 on RFC 6455, anything outside 1000-4999) become no code.
 */
export function closeCodeFor(draft: DraftId, code: number | undefined): number | undefined {
  if (code === undefined || draft === 'hixie-75' || draft === 'hixie-76') return undefined;
  if (!Number.isInteger(code)) return undefined;
  if (isApplicationCode(code)) return code;
  const known = KNOWN[draft];
  if (known.includes(code)) return code;
  const near = NEAREST[code];
  if (near === undefined) return undefined;
  // 1007 exists from hybi-10 on: only hybi-07 needs the 1002 fallback for it.
  return known.includes(near) ? near : undefined;
}
