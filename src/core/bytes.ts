// Byte helpers shared by codecs and the Node layer.

export const EMPTY = Buffer.alloc(0);

/** A Buffer view of any Uint8Array, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Text as UTF-8 bytes; bytes pass through. */
export function toBytes(data: string | Uint8Array): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : asBuffer(data);
}

/** Printable rendering of bytes for error messages and diffs: ASCII as-is, the rest as \xNN. */
export function printable(bytes: Uint8Array, max = 80): string {
  let out = '';
  for (let i = 0; i < Math.min(bytes.length, max); i++) {
    const b = bytes[i]!;
    out +=
      b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return bytes.length > max ? `${out}...` : out;
}
