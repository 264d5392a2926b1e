// The types a Connection is made with and calls back with (docs/api.md "Connection").
import type { Caps, Codec, DraftId, Role } from '../core/types.js';
import type { BinaryToLegacy } from './legacy-binary.js';
import type { Transport } from './transport.js';

export type SendCallback = (err?: Error | null) => void;

/** Fixed at creation: what is known before the handshake ends. */
export interface ConnectionInit {
  readonly draft: DraftId;
  readonly caps: Caps;
  readonly role: Role;
  readonly url: string;
  /** Milliseconds to wait for the peer's side of the closing handshake before destroying the transport. */
  readonly closeTimeout: number;
  /** What send(binary) does when the draft has no binary frames (default 'error'). */
  readonly binaryToLegacy?: BinaryToLegacy;
}

/** Given by the Node layer once the opening handshake succeeded. */
export interface OpenSetup {
  readonly transport: Transport;
  readonly codec: Codec;
  readonly protocol: string;
  readonly extensions: string;
  /** Clients emit 'open'; servers hand the connection out already open. */
  readonly emitOpen: boolean;
}
