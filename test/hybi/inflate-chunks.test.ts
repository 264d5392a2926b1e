// The inflate output chunk follows the last message's ratio (zlib-compression.ts): whatever the sequence of
// sizes and ratios, every message inflates exactly, within maxPayload, and what the application receives
// never keeps a zlib chunk much larger than the message alive.
import { describe, expect, it } from 'vitest';
import type { NegotiatedCompression } from '../../src/core/types.js';
import { ZlibCompression } from '../../src/extensions/zlib-compression.js';
import { jsonLike, SETTINGS } from './compression-helpers.js';

const NEGOTIATED: NegotiatedCompression = {
  extension: 'permessage-deflate',
  deflate: { windowBits: 15, noContextTakeover: false },
  inflate: { windowBits: 15, noContextTakeover: false },
};

describe('inflate output chunks', () => {
  it('sizes and ratios that change from message to message: exact output, no oversized backing store', () => {
    const sender = new ZlibCompression(NEGOTIATED, SETTINGS);
    const receiver = new ZlibCompression(NEGOTIATED, SETTINGS);
    const messages = [
      Buffer.from(jsonLike(64 * 1024, 1)),
      Buffer.from('tiny'),
      Buffer.alloc(1024 * 1024),
      Buffer.from(jsonLike(20 * 1024, 5)),
      Buffer.from(jsonLike(100, 2)),
      Buffer.from(jsonLike(300 * 1024, 3)),
      Buffer.from(jsonLike(64 * 1024, 4)),
      Buffer.alloc(10),
    ];
    for (const m of messages) {
      const out = receiver.inflate(sender.deflate(m), 2 * 1024 * 1024);
      expect(Buffer.isBuffer(out) && out.equals(m)).toBe(true);
      const backing = (out as Buffer).buffer.byteLength;
      // Buffer.from() of a small message lands in Node's 8 KiB pool slab.
      expect(backing).toBeLessThanOrEqual(Math.max(2 * m.length + 4096, 8192));
    }
  });

  it('a message over the limit after highly compressible ones still stops at the limit', () => {
    const sender = new ZlibCompression(NEGOTIATED, SETTINGS);
    const receiver = new ZlibCompression(NEGOTIATED, SETTINGS);
    expect(receiver.inflate(sender.deflate(Buffer.alloc(500_000)), 600_000)).toHaveLength(500_000);
    expect(receiver.inflate(sender.deflate(Buffer.alloc(700_000)), 600_000)).toBe('too-big');
  });
});
