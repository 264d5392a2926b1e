// What differs between hybi-07, hybi-08..12 (v8) and RFC 6455 (v13): close codes, origin header, length rule.
import { FAULT_CLOSE_CODES, type FaultName } from '../../core/faults.js';
import type { Caps, DraftId } from '../../core/types.js';

/** An inclusive range of close codes. */
export type CodeRange = readonly [from: number, to: number];

/** One hybi draft: everything the shared framing and handshake code needs to know about it. */
export interface HybiProfile {
  readonly id: DraftId;
  /** `Sec-WebSocket-Version` on the wire. */
  readonly version: 13 | 8 | 7;
  /** Header a client sends its origin under (drafts.md §5: `Sec-WebSocket-Origin` before hybi-11). */
  readonly originHeader: 'Origin' | 'Sec-WebSocket-Origin';
  /** Close codes that may appear in a close frame, received or sent (RFC 6455 §7.4; drafts.md §5). */
  readonly closeCodes: readonly CodeRange[];
  /** Faults whose RFC 6455 close code this draft does not have, and the code it uses instead. */
  readonly faultCodes: Partial<Record<FaultName, number>>;
  /** RFC 6455 §5.2 requires the minimal length encoding; drafts 07/08 did not (pywebsocket). */
  readonly minimalLength: boolean;
  readonly caps: Caps;
}

/** Every hybi draft carries the same things, compression (RFC 7692 and the per-frame draft) included. */
export const HYBI_CAPS: Caps = Object.freeze({
  binary: true,
  ping: true,
  closeCodes: true,
  closingHandshake: true,
  fragmentation: true,
  extensions: true,
  compression: true,
});

/** True when `code` may appear in a close frame of this draft. */
export function isCloseCodeAllowed(profile: HybiProfile, code: number): boolean {
  for (const [from, to] of profile.closeCodes) if (code >= from && code <= to) return true;
  return false;
}

/** The close code this draft reports `fault` with. */
export function faultCloseCode(profile: HybiProfile, fault: FaultName): number {
  return profile.faultCodes[fault] ?? FAULT_CLOSE_CODES[fault];
}

/** `Sec-WebSocket-Version` of each hybi draft, for version lists in rejections (RFC 6455 §4.4). */
export const HYBI_VERSIONS: Readonly<Partial<Record<DraftId, number>>> = {
  rfc6455: 13,
  'hybi-10': 8,
  'hybi-07': 7,
};
