// Outbound hybi frames (RFC 6455 §5.2, §5.3): one allocation per frame, masked in place for clients.
import { asBuffer } from '../../core/bytes.js';
import { maskBuffer, maskCopy } from './mask.js';
import { FIN, MASK_BIT } from './opcodes.js';

/** Header bytes needed for a payload of `length` bytes. */
export function headerLength(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

/** Write a FIN header with the minimal length encoding (RFC 6455 §5.2) and the mask key; returns its size. */
export function writeHeader(
  buf: Buffer,
  opcode: number,
  length: number,
  mask: Uint8Array | undefined,
): number {
  buf[0] = FIN | opcode;
  const m = mask === undefined ? 0 : MASK_BIT;
  let at: number;
  if (length < 126) {
    buf[1] = m | length;
    at = 2;
  } else if (length < 0x10000) {
    buf[1] = m | 126;
    buf[2] = length >>> 8;
    buf[3] = length & 0xff;
    at = 4;
  } else {
    buf[1] = m | 127;
    // Lengths are below 2^53, so the most significant bit stays 0 as §5.2 requires.
    buf.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    buf.writeUInt32BE(length >>> 0, 6);
    at = 10;
  }
  if (mask !== undefined) {
    buf[at] = mask[0]!;
    buf[at + 1] = mask[1]!;
    buf[at + 2] = mask[2]!;
    buf[at + 3] = mask[3]!;
    at += 4;
  }
  return at;
}

function applyMask(buf: Buffer, start: number, mask: Uint8Array | undefined): void {
  if (mask !== undefined && start < buf.length)
    maskBuffer(buf.subarray(start), mask[0]!, mask[1]!, mask[2]!, mask[3]!);
}

/** One unfragmented frame carrying `payload`. `mask` is the client's fresh key; servers pass undefined. */
export function encodeFrame(opcode: number, payload: Uint8Array, mask: Uint8Array | undefined): Buffer {
  const buf = Buffer.allocUnsafe(headerLength(payload.length, mask !== undefined) + payload.length);
  const at = writeHeader(buf, opcode, payload.length, mask);
  // A client masks while copying: one pass over the payload, not a copy and then a second pass.
  if (mask === undefined || payload.length === 0) buf.set(payload, at);
  else maskCopy(asBuffer(payload), 0, payload.length, buf, at, mask[0]!, mask[1]!, mask[2]!, mask[3]!);
  return buf;
}

/** A text frame written straight from a string, without an intermediate buffer. */
export function encodeTextFrame(opcode: number, text: string, mask: Uint8Array | undefined): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const buf = Buffer.allocUnsafe(headerLength(length, mask !== undefined) + length);
  const at = writeHeader(buf, opcode, length, mask);
  buf.write(text, at, length, 'utf8');
  applyMask(buf, at, mask);
  return buf;
}

/** A close frame: empty when `code` is undefined, else the 2-byte code and the UTF-8 reason (§5.5.1). */
export function encodeCloseFrame(
  opcode: number,
  code: number | undefined,
  reason: Buffer,
  mask: Uint8Array | undefined,
): Buffer {
  const length = code === undefined ? 0 : 2 + reason.length;
  const buf = Buffer.allocUnsafe(headerLength(length, mask !== undefined) + length);
  const at = writeHeader(buf, opcode, length, mask);
  if (code !== undefined) {
    buf[at] = code >>> 8;
    buf[at + 1] = code & 0xff;
    buf.set(reason, at + 2);
  }
  applyMask(buf, at, mask);
  return buf;
}
