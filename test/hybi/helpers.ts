// Test helpers for the hybi family: hand-built frames (independent of the encoder) and feeding helpers.

import { seededRng } from '../../src/core/rng.js';
import type { Codec, CodecEvent, Draft, Role } from '../../src/core/types.js';

export interface RawFrame {
  readonly opcode: number;
  readonly payload?: Uint8Array | string;
  readonly fin?: boolean;
  /** RSV1-3 as the 3-bit value 0-7. */
  readonly rsv?: number;
  /** Mask key; undefined sends the frame unmasked. */
  readonly mask?: readonly number[];
  /** Force a length encoding: 7-bit, 16-bit or 64-bit. Default: minimal. */
  readonly lengthForm?: 7 | 16 | 64;
}

/** Build a frame byte by byte the way RFC 6455 §5.2 draws it. */
export function rawFrame(f: RawFrame): Buffer {
  const payload =
    typeof f.payload === 'string' ? Buffer.from(f.payload, 'utf8') : Buffer.from(f.payload ?? []);
  const n = payload.length;
  const form = f.lengthForm ?? (n < 126 ? 7 : n < 65536 ? 16 : 64);
  const head: number[] = [((f.fin ?? true) ? 0x80 : 0) | ((f.rsv ?? 0) << 4) | f.opcode];
  const maskBit = f.mask ? 0x80 : 0;
  if (form === 7) head.push(maskBit | n);
  else if (form === 16) head.push(maskBit | 126, n >> 8, n & 0xff);
  else {
    head.push(maskBit | 127);
    const big = BigInt(n);
    for (let i = 7; i >= 0; i--) head.push(Number((big >> BigInt(i * 8)) & 0xffn));
  }
  const body = Buffer.from(payload);
  if (f.mask) {
    head.push(...f.mask);
    for (let i = 0; i < n; i++) body[i]! ^= f.mask[i % 4]!;
  }
  return Buffer.concat([Buffer.from(head), body]);
}

/** `n` reproducible pseudo-random bytes (an LCG from `seed`): payloads that differ byte to byte. */
export function seededBytes(n: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let s = seed | 1;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** The role that receives what `sender` sends. */
export function peerOf(role: Role): Role {
  return role === 'server' ? 'client' : 'server';
}

/** Frames sent to a server are masked; frames sent to a client are not. */
export function maskFor(receiver: Role): readonly number[] | undefined {
  return receiver === 'server' ? [0x37, 0xfa, 0x21, 0x3d] : undefined;
}

export function codecFor(draft: Draft, role: Role, maxPayload = 1 << 20, seed = 7): Codec {
  return draft.createCodec(role, { maxPayload, rng: seededRng(seed) });
}

/** Feed `bytes` split at the given cut points (copies, so in-place unmasking never aliases). */
export function feedSplit(codec: Codec, bytes: Uint8Array, cuts: readonly number[]): CodecEvent[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(bytes.length, c))))].sort((a, b) => a - b);
  const events: CodecEvent[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    if (p <= at) continue;
    events.push(...codec.push(Buffer.from(bytes.subarray(at, p))));
    at = p;
  }
  return events;
}

export function feedBytewise(codec: Codec, bytes: Uint8Array): CodecEvent[] {
  const events: CodecEvent[] = [];
  for (let i = 0; i < bytes.length; i++) events.push(...codec.push(Buffer.from([bytes[i]!])));
  return events;
}

/** Events as plain data, so equal behaviour compares equal (Buffers become hex). */
export function plain(events: readonly CodecEvent[]): unknown[] {
  return events.map((e) => {
    switch (e.type) {
      case 'text':
      case 'binary':
      case 'ping':
      case 'pong':
        return { type: e.type, hex: e.data.toString('hex') };
      // The same message as 'binary' carries, whatever pieces it came in.
      case 'binary-parts':
        return { type: 'binary', hex: Buffer.concat(e.parts).toString('hex') };
      case 'send':
        return { type: 'send', hex: e.bytes.toString('hex') };
      case 'close':
        return { type: 'close', code: e.code, reason: e.reason };
      default:
        return { type: 'fail', fault: e.fault, closeCode: e.closeCode };
    }
  });
}

/** The one fail event of a run, asserting there is exactly one. */
export function onlyFail(events: readonly CodecEvent[]): { fault: string; closeCode: number } {
  const fails = events.filter((e) => e.type === 'fail');
  if (fails.length !== 1) throw new Error(`expected exactly one fail event, got ${fails.length}`);
  const f = fails[0]!;
  return { fault: f.fault, closeCode: f.closeCode };
}
