// Large server data frames (RFC 6455 §5.2, unmasked) as a header plus the caller's own payload: the two are
// written together (one writev) and the payload is never copied.
import { headerLength, writeHeader } from './frame-encoder.js';

/**
 * From this payload size a server frame goes out as [header, payload]. Below it, copying the payload behind
 * the header costs less than a second buffer in the writev.
 */
export const PARTS_THRESHOLD = 16 * 1024;

/** The header of an unmasked FIN frame carrying `payload`, and `payload` itself. */
export function encodeFrameParts(opcode: number, payload: Buffer): [Buffer, Buffer] {
  return [encodeFrameHeader(opcode, payload.length), payload];
}

/** The header alone of an unmasked FIN frame of `length` payload bytes. */
export function encodeFrameHeader(opcode: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(headerLength(length, false));
  writeHeader(header, opcode, length, undefined);
  return header;
}
