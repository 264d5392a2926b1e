// UTF-8 validation: whole buffers natively, fragments incrementally so a bad byte fails at once (RFC 6455 §8.1).
import { isUtf8 } from 'node:buffer';

/** True when every byte of `bytes` is part of well-formed UTF-8 (RFC 3629: no surrogates, no overlongs). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  if (bytes.length < 32) {
    // A native call costs more than scanning a short ASCII string here.
    let i = 0;
    while (i < bytes.length && bytes[i]! < 0x80) i++;
    if (i === bytes.length) return true;
  }
  return isUtf8(bytes);
}

/**
 * Validates a message delivered in pieces. `update` returns false as soon as a byte makes the stream
 * invalid, so a fragmented message is failed before its end arrives (Autobahn 6.4.x).
 */
export class Utf8Validator {
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;

  update(bytes: Uint8Array): boolean {
    let { need, lo, hi } = this;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (need === 0) {
        if (b < 0x80) continue;
        if (b >= 0xc2 && b <= 0xdf) need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          need = 2;
          if (b === 0xe0)
            lo = 0xa0; // overlong
          else if (b === 0xed) hi = 0x9f; // surrogates
        } else if (b >= 0xf0 && b <= 0xf4) {
          need = 3;
          if (b === 0xf0)
            lo = 0x90; // overlong
          else if (b === 0xf4) hi = 0x8f; // above U+10FFFF
        } else return this.invalid();
      } else {
        if (b < lo || b > hi) return this.invalid();
        need--;
        lo = 0x80;
        hi = 0xbf;
      }
    }
    this.need = need;
    this.lo = lo;
    this.hi = hi;
    return true;
  }

  /** True when the stream ended on a character boundary. Resets for the next message. */
  finish(): boolean {
    const ok = this.need === 0;
    this.reset();
    return ok;
  }

  reset(): void {
    this.need = 0;
    this.lo = 0x80;
    this.hi = 0xbf;
  }

  private invalid(): false {
    this.reset();
    return false;
  }
}
