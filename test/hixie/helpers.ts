// Test helpers for the hixie codecs: feed bytes whole, byte by byte or at given split points.

import { seededRng } from '../../src/core/rng.js';
import type { Codec, CodecEvent, Draft, Role } from '../../src/core/types.js';

export const ROLES: readonly Role[] = ['server', 'client'];

export function makeCodec(draft: Draft, role: Role, maxPayload = 1 << 20): Codec {
  return draft.createCodec(role, { maxPayload, rng: seededRng(7) });
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated, clamped) and pushes every piece. */
export function feedSplit(codec: Codec, bytes: Uint8Array, cuts: readonly number[]): CodecEvent[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(bytes.length, c))))].sort((a, b) => a - b);
  const events: CodecEvent[] = [];
  let start = 0;
  for (const p of [...points, bytes.length]) {
    if (p <= start) continue;
    events.push(...codec.push(bytes.slice(start, p)));
    start = p;
  }
  return events;
}

export function feedWhole(codec: Codec, bytes: Uint8Array): CodecEvent[] {
  return codec.push(bytes);
}

export function feedBytewise(codec: Codec, bytes: Uint8Array): CodecEvent[] {
  return feedSplit(
    codec,
    bytes,
    Array.from({ length: bytes.length }, (_, i) => i),
  );
}

/** Events with Buffers turned into strings, for readable assertions. */
export function describeEvents(events: readonly CodecEvent[]): unknown[] {
  return events.map((e) => {
    switch (e.type) {
      case 'text':
        return { text: e.data.toString('utf8') };
      case 'send':
        return { send: e.bytes.toString('hex') };
      case 'close':
        return { close: e.code, reason: e.reason };
      case 'fail':
        return { fail: e.fault };
      default:
        return { [e.type]: 'data' in e ? e.data.toString('hex') : '' };
    }
  });
}

export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
