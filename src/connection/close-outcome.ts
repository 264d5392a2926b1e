// What a connection's 'close' event reports (architecture.md "Close reporting"; RFC 6455 §7.1.5, §7.1.6).
import type { Caps } from '../core/types.js';

/** What the connection saw before its transport closed. */
export interface CloseFacts {
  readonly caps: Caps;
  /** The close code of a protocol fault on our side. */
  readonly fault: { readonly closeCode: number } | undefined;
  /** The peer's close frame. */
  readonly peerClose: { readonly code: number; readonly reason: string } | undefined;
  readonly terminated: boolean;
  /** The peer ended TCP (FIN). */
  readonly peerEndSeen: boolean;
}

export function closeOutcome(f: CloseFacts): { code: number; reason: string; wasClean: boolean } {
  // Hixie has no close codes: a fault there can only drop TCP, which is 1006 (abnormal closure).
  if (f.fault) return { code: f.caps.closeCodes ? f.fault.closeCode : 1006, reason: '', wasClean: false };
  if (f.peerClose && !f.terminated) return { ...f.peerClose, wasClean: true };
  // Hixie-75: an orderly TCP close between frames is the close; there is no code (1005, RFC 6455 §7.1.5).
  if (!f.caps.closingHandshake && !f.terminated && f.peerEndSeen)
    return { code: 1005, reason: '', wasClean: true };
  return { code: 1006, reason: '', wasClean: false };
}
