// Randomness sources: the Node layer injects crypto; tests and replays inject a seeded stream.
import { randomFillSync } from 'node:crypto';
import type { Rng } from './types.js';

/** Cryptographically strong randomness for real connections (RFC 6455 §5.3 masks must be unpredictable). */
export const cryptoRng: Rng = (n) => randomFillSync(Buffer.allocUnsafe(n));

/** Replays recorded bytes in order (fixtures record keys and masks), then fails loudly when exhausted. */
export function replayRng(recorded: Uint8Array): Rng {
  let offset = 0;
  return (n) => {
    if (offset + n > recorded.length)
      throw new Error(`replayRng: asked for ${n} bytes, ${recorded.length - offset} left`);
    const out = Buffer.from(recorded.subarray(offset, offset + n));
    offset += n;
    return out;
  };
}

/** A deterministic xorshift stream for tests: the same seed gives the same bytes. */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0 || 0x9e3779b9;
  return (n) => {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}
