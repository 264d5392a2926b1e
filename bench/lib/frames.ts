// Wire bytes for the benchmarks: masked RFC 6455 frames (§5.2, §5.3), hixie-76 text frames (§4.2), a seeded PRNG.
import { asBuffer } from '../../src/core/bytes.js';
import { seededRng } from '../../src/core/rng.js';

/** Deterministic xorshift32 (the tests' seeded RNG): the same inputs in every run and every process. */
export function prng(seed: number): (n: number) => Buffer {
  const next = seededRng(seed);
  return (n) => asBuffer(next(n));
}

/** Printable ASCII (JSON-like text is the common case on the wire), or random bytes for binary. */
export function payload(size: number, kind: 'text' | 'binary', seed = 7): Buffer {
  const bytes = prng(seed)(size);
  if (kind === 'binary') return bytes;
  for (let i = 0; i < size; i++) bytes[i] = 0x20 + (bytes[i]! % 95);
  return bytes;
}

function headerLength(len: number, masked: boolean): number {
  const base = len < 126 ? 2 : len < 65536 ? 4 : 10;
  return masked ? base + 4 : base;
}

/** One RFC 6455 frame (FIN set). `mask` given: a client frame masked with it (§5.3); else a server frame. */
export function wsFrame(opcode: number, data: Uint8Array, mask?: Uint8Array): Buffer {
  const len = data.length;
  const head = headerLength(len, mask !== undefined);
  const out = Buffer.allocUnsafe(head + len);
  out[0] = 0x80 | opcode;
  const maskBit = mask ? 0x80 : 0;
  let p = 2;
  if (len < 126) out[1] = maskBit | len;
  else if (len < 65536) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(len, 2);
    p = 4;
  } else {
    out[1] = maskBit | 127;
    out.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    out.writeUInt32BE(len >>> 0, 6);
    p = 10;
  }
  if (!mask) {
    out.set(data, p);
    return out;
  }
  out.set(mask.subarray(0, 4), p);
  p += 4;
  for (let i = 0; i < len; i++) out[p + i] = data[i]! ^ mask[i & 3]!;
  return out;
}

/** Hixie-76 §4.2 text frame: 0x00, UTF-8, 0xFF. */
export function hixieFrame(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(data.length + 2);
  out[0] = 0x00;
  out.set(data, 1);
  out[data.length + 1] = 0xff;
  return out;
}

export interface FrameStream {
  /** All frames back to back. */
  readonly bytes: Buffer;
  readonly messages: number;
  readonly payloadBytes: number;
}

/**
 * A stream of at least `minBytes` (and at least 4 messages) of identical-size messages. RFC 6455 frames each get
 * their own random mask, as a browser's would.
 */
export function buildStream(
  draft: 'rfc6455' | 'hixie-76',
  kind: 'text' | 'binary',
  size: number,
  minBytes: number,
): FrameStream {
  const data = payload(size, kind);
  const rng = prng(0x5eed);
  const frames: Buffer[] = [];
  let total = 0;
  while (total < minBytes || frames.length < 4) {
    const frame = draft === 'hixie-76' ? hixieFrame(data) : wsFrame(kind === 'text' ? 1 : 2, data, rng(4));
    frames.push(frame);
    total += frame.length;
  }
  return { bytes: Buffer.concat(frames), messages: frames.length, payloadBytes: frames.length * size };
}

/** Cuts `bytes` into pieces of `piece` bytes, regardless of frame boundaries (as a socket would deliver them). */
export function cut(bytes: Buffer, piece: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += piece)
    out.push(bytes.subarray(i, Math.min(i + piece, bytes.length)));
  return out;
}

/** JSON-like text of `size` bytes (an API or chat stream): what compression is for. */
export function jsonPayload(size: number, seed = 7): Buffer {
  const rand = prng(seed);
  let out = '[';
  while (out.length < size) {
    const r = rand(4);
    out += `{"id":${r.readUInt16LE(0)},"user":"user${r[2]! % 50}","active":${r[3]! % 2 === 0},"score":${(r.readUInt16LE(0) % 1000) / 10}},`;
  }
  return Buffer.from(out.slice(0, size));
}
