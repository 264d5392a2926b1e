// Stable fault names and the one table mapping each to its close code (RFC 6455 §7.4.1).
// Deep parser code reports a FaultName; the codec boundary turns it into a `fail` event.

export const FAULT_CLOSE_CODES = {
  /** RFC 6455 §5.2: reserved opcode 0x3-0x7 / 0xB-0xF. */
  RESERVED_OPCODE: 1002,
  /** RFC 6455 §5.2: RSV1-3 set without a negotiated extension. */
  RESERVED_BITS: 1002,
  /** RFC 6455 §5.1: a server received an unmasked frame. */
  UNMASKED_FRAME: 1002,
  /** RFC 6455 §5.1: a client received a masked frame. */
  MASKED_FRAME: 1002,
  /** RFC 6455 §5.2: the 64-bit length has its most significant bit set. */
  LENGTH_MSB_SET: 1002,
  /** RFC 6455 §5.2: the length was not encoded in the minimal number of bytes. */
  NON_MINIMAL_LENGTH: 1002,
  /** RFC 6455 §5.5: control frame payload over 125 bytes. */
  CONTROL_FRAME_TOO_BIG: 1002,
  /** RFC 6455 §5.5: control frames must not be fragmented. */
  FRAGMENTED_CONTROL_FRAME: 1002,
  /** RFC 6455 §5.4: a continuation frame with no message open. */
  UNEXPECTED_CONTINUATION: 1002,
  /** RFC 6455 §5.4: a new data frame while a fragmented message is open. */
  CONTINUATION_EXPECTED: 1002,
  /** RFC 6455 §5.5.1: a close frame body of exactly one byte. */
  INVALID_CLOSE_PAYLOAD: 1002,
  /** RFC 6455 §7.4: a close code that may not appear on the wire. */
  INVALID_CLOSE_CODE: 1002,
  /** RFC 6455 §8.1: text or close reason that is not UTF-8. */
  INVALID_UTF8: 1007,
  /** RFC 7692 §6.2: a compressed payload that does not inflate (ws 8 closes with 1007 too). */
  INFLATE_FAILED: 1007,
  /** RFC 6455 §7.4.1: a message larger than the configured maximum. */
  MESSAGE_TOO_BIG: 1009,
  /** A fragmented message in more frames than maxFragments (RFC 6455 §7.4.1 1008 "policy violation"). */
  TOO_MANY_FRAGMENTS: 1008,
  /** Hixie-75/76 §4.2: a sentinel or length-prefixed frame longer than the maximum. */
  FRAME_TOO_BIG: 1009,
  /** Hixie-75/76: a length prefix that overflows any sane integer. */
  LENGTH_OVERFLOW: 1009,
  /** Data received after the closing handshake finished. */
  DATA_AFTER_CLOSE: 1002,
  /** The transport ended in the middle of a frame. */
  TRUNCATED_FRAME: 1006,
} as const satisfies Record<string, number>;

export type FaultName = keyof typeof FAULT_CLOSE_CODES;

/** The close code a fault is reported with, after mapping by the draft's own close-code set. */
export function closeCodeForFault(fault: FaultName): number {
  return FAULT_CLOSE_CODES[fault];
}

/** A peer protocol violation, thrown deep inside a parser and caught once at the codec boundary. */
export class ProtocolFault extends Error {
  readonly fault: FaultName;
  readonly closeCode: number;

  constructor(fault: FaultName, message: string) {
    super(message);
    this.name = 'ProtocolFault';
    this.fault = fault;
    this.closeCode = FAULT_CLOSE_CODES[fault];
  }
}

/** Local misuse of the API (e.g. binary on a hixie connection): thrown at once, never sent to the peer. */
export class UsageError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'UsageError';
    this.code = code;
  }
}
