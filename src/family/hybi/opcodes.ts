// RFC 6455 §5.2 opcodes and header bits (identical byte layout in hybi-07, -08 and 13: drafts.md §5).

export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

export const FIN = 0x80;
export const RSV_MASK = 0x70;
/** RFC 7692 §6: "Per-Message Compressed" bit; or-ed into the opcode byte handed to the encoder. */
export const RSV1 = 0x40;
export const OPCODE_MASK = 0x0f;
export const MASK_BIT = 0x80;

/** RFC 6455 §5.5: every control frame payload is at most 125 bytes. */
export const MAX_CONTROL_PAYLOAD = 125;
/** A close reason fits in a control frame after its 2-byte code (RFC 6455 §5.5.1). */
export const MAX_CLOSE_REASON = MAX_CONTROL_PAYLOAD - 2;
/** The longest frame header: 2 + 8 (64-bit length) + 4 (mask key). */
export const MAX_HEADER = 14;
