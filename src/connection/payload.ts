// What send(), ping() and pong() accept, as bytes for the codec (RFC 6455 §5.5 for control payloads).
import { asBuffer } from '../core/bytes.js';

export type SendData = string | Uint8Array | ArrayBuffer;

/** Strings as UTF-8; views without copying; an ArrayBuffer as a view of its bytes. */
export function toPayload(data: SendData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return asBuffer(data);
  throw new TypeError('data must be a string, Buffer, Uint8Array or ArrayBuffer');
}

/** RFC 6455 §5.5: control frame payloads are at most 125 bytes. */
export const MAX_CONTROL_PAYLOAD = 125;
const EMPTY = Buffer.alloc(0);

/** A ping or pong payload, or a RangeError when it cannot fit a control frame. */
export function controlPayload(type: 'ping' | 'pong', data: SendData | undefined): Buffer {
  const payload = data === undefined ? EMPTY : toPayload(data);
  if (payload.length > MAX_CONTROL_PAYLOAD)
    throw new RangeError(`${type} payload must be at most ${MAX_CONTROL_PAYLOAD} bytes (RFC 6455 §5.5)`);
  return payload;
}
