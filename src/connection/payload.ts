// What send(), ping() and pong() accept, as bytes for the codec.
import { asBuffer } from '../core/bytes.js';

export type SendData = string | Uint8Array | ArrayBuffer;

/** Strings as UTF-8; views without copying; an ArrayBuffer as a view of its bytes. */
export function toPayload(data: SendData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return asBuffer(data);
  throw new TypeError('data must be a string, Buffer, Uint8Array or ArrayBuffer');
}
