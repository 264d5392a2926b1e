// One frame given as several buffers (a header and the caller's payload) leaves in one writev.
import type { SendCallback } from './connection-types.js';
import type { Transport } from './transport.js';

/** Writes `parts` corked, so the socket hands them to the OS together; `cb` follows the last one. */
export function writeParts(
  transport: Transport,
  parts: readonly Buffer[],
  cb: SendCallback | undefined,
): boolean {
  const last = parts.length - 1;
  transport.cork();
  try {
    for (let i = 0; i < last; i++) transport.write(parts[i]!);
    return transport.write(parts[last]!, cb);
  } finally {
    transport.uncork();
  }
}
