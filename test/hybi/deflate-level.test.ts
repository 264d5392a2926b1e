// The default deflate level depends on the message size (zlib-compression.ts): zlib's 6 below 16 KiB, 4 from
// there up; a level the user sets applies to every size. Checked against zlib itself: what the codec sends
// (plus the stripped sync-flush tail) is exactly zlib's output at the expected level.
import { constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { NegotiatedCompression } from '../../src/core/types.js';
import { ZlibCompression } from '../../src/extensions/zlib-compression.js';
import { jsonLike, SETTINGS } from './compression-helpers.js';

// No context takeover, so each message deflates with no dictionary and zlib's output can be reproduced alone.
const NEGOTIATED: NegotiatedCompression = {
  extension: 'permessage-deflate',
  deflate: { windowBits: 15, noContextTakeover: true },
  inflate: { windowBits: 15, noContextTakeover: true },
};

function levelOf(sent: Buffer, message: Buffer): number | undefined {
  const matches = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((level) => {
    const ref = deflateRawSync(message, { level, finishFlush: constants.Z_SYNC_FLUSH });
    return ref.subarray(0, ref.length - 4).equals(sent);
  });
  // Neighbouring levels can agree on a message; the checks below use messages where 4 and 6 differ.
  return matches.includes(4) && matches.includes(6) ? undefined : matches.find((l) => l === 4 || l === 6);
}

describe('default deflate level', () => {
  const small = Buffer.from(jsonLike(16 * 1024 - 1, 11));
  const large = Buffer.from(jsonLike(16 * 1024, 11));

  it('zlib 6 below 16 KiB, 4 from 16 KiB up', () => {
    const codec = new ZlibCompression(NEGOTIATED, SETTINGS);
    expect(levelOf(codec.deflate(small), small)).toBe(6);
    expect(levelOf(codec.deflate(large), large)).toBe(4);
    // The pool path (prepareDeflate) gets the same options.
    expect(codec.prepareDeflate(large).options.level).toBe(4);
    expect(codec.prepareDeflate(small).options.level).toBe(6);
  });

  it('zlibDeflateOptions.level applies to every size', () => {
    const codec = new ZlibCompression(NEGOTIATED, { ...SETTINGS, deflateOptions: { level: 6 } });
    expect(levelOf(codec.deflate(large), large)).toBe(6);
    expect(codec.prepareDeflate(large).options.level).toBe(6);
  });
});
