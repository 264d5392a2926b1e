// maxBufferedBytes: one byte budget shared by every connection of a server, for bytes held for frames and
// messages not yet complete, so 100 attackers cannot each hold maxPayload at once.
import type { Connection } from '../connection/connection.js';

/** The server-wide count; each transport adds what its connection holds after every read. */
export class ByteBudget {
  used = 0;
  constructor(readonly limit: number) {}
}

/** RFC 6455 §7.4.1 (IANA registry): 1013 "Try Again Later". */
const TRY_AGAIN_LATER = 1013;

/**
 * What a connection does when its read pushes the budget over: the first time it is closed with 1013
 * (mapped by the close-code table: 1001 on drafts without 1013, a bare close on hixie); if it still
 * grows while closing it is dropped.
 */
export function refuseWhenOverBudget(conn: Connection): () => void {
  let refused = false;
  return () => {
    if (refused || conn.readyState !== conn.OPEN) {
      conn.terminate();
      return;
    }
    refused = true;
    conn.close(TRY_AGAIN_LATER, 'server busy');
  };
}
