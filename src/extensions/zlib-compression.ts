// The Compression a codec drives, over node:zlib's synchronous one-shot calls. Between messages a connection
// holds no zlib context at all, only the window history a context-takeover peer may refer to, handed to zlib
// as a dictionary; the output is bounded by maxOutputLength, so a zip bomb stops at the limit.
import { constants, deflateRawSync, inflateRawSync, type ZlibOptions } from 'node:zlib';
import type { Compression, DeflateCall, InflateFailure, NegotiatedCompression } from '../core/types.js';
import { WindowHistory } from './window-history.js';

/** RFC 7692 §7.2.1: the empty stored block a sync flush ends with; stripped on send, put back to inflate. */
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** zlib settings a user may pass through, as ws's zlibDeflateOptions / zlibInflateOptions. */
export interface ZlibTuning {
  readonly level?: number | undefined;
  readonly memLevel?: number | undefined;
  readonly strategy?: number | undefined;
  readonly chunkSize?: number | undefined;
}

/** Only the tuning keys reach zlib: window, flush mode, dictionary and output limit are ours to set. */
function tuning(o: ZlibTuning): ZlibTuning {
  const out: Record<string, number> = {};
  for (const k of ['level', 'memLevel', 'strategy', 'chunkSize'] as const)
    if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export interface CompressionSettings {
  readonly deflateOptions: ZlibTuning;
  readonly inflateOptions: ZlibTuning;
  readonly threshold: number;
  /** Messages from this many bytes up are deflated off the event loop where the transport can (Node). */
  readonly asyncThreshold: number;
}

/**
 * How much of what we sent a compressor refers back to under context takeover. A sender may use less history
 * than the window allows (RFC 7692 §7.2.3.3 only bounds it from above); 4 KiB keeps most of the gain on small
 * repetitive messages while every message pays for hashing this much dictionary, not 32 KiB.
 */
const SENT_HISTORY = 4096;

/** zlib never refers further back than 2^windowBits - 262 bytes (its MIN_LOOKAHEAD). */
const LOOKAHEAD = 262;

/**
 * The smallest window covering dictionary and message, within the negotiated one: a fresh zlib context per
 * message costs its allocation (zeroed by Node), which a 32 KiB window and 64 K-entry hash make the main cost
 * of a 1 KiB message. zlib refuses 8 bits for raw deflate, so 9 is the floor, as in ws (through Node) and
 * Chromium; that still honours a negotiated 8, since 2^9 - 262 = 250 < 256.
 */
function deflateBits(negotiated: number, span: number): number {
  const needed = Math.ceil(Math.log2(span + LOOKAHEAD));
  return Math.max(9, Math.min(negotiated, needed));
}

/**
 * The deflate level when the user sets none. Below LARGE_MESSAGE zlib's own default, 6: such a message deflates
 * in tens of microseconds whatever the level, and 6 finds the long repeats small JSON is made of. From
 * LARGE_MESSAGE up, level 4, the last of zlib's lazy-matching levels before its long hash chains: on JSON and
 * prose it deflates 1.4-2.7x faster than 6 for 3-6% more bytes (docs/performance.md), and deflate is most of
 * the CPU a large compressed message costs a server. `zlibDeflateOptions.level` applies to every size.
 */
const SMALL_MESSAGE_LEVEL = 6;
const LARGE_MESSAGE_LEVEL = 4;
const LARGE_MESSAGE = 16 * 1024;

export function defaultDeflateLevel(length: number): number {
  return length < LARGE_MESSAGE ? SMALL_MESSAGE_LEVEL : LARGE_MESSAGE_LEVEL;
}

/** Bounds on the inflate output chunk (zlib's own minimum is 64 bytes; its default 16 KiB). */
const MIN_CHUNK = 1024;
const MAX_CHUNK = 1024 * 1024;
/** Inflated/compressed ratio assumed before the first message, and the most a guess may use. */
const FIRST_RATIO = 4;
const MAX_RATIO = 64;
/** Beyond twice the message plus this, an inflated message is copied out of zlib's chunk. */
const RETAIN_SLACK = 4096;

export class ZlibCompression implements Compression {
  readonly unit: 'message' | 'frame';
  readonly threshold: number;
  readonly asyncThreshold: number;
  private readonly sent: WindowHistory | undefined;
  private readonly received: WindowHistory | undefined;
  private readonly settings: CompressionSettings;
  /** The last message's inflated/compressed size ratio: sizes the next output chunk. */
  private ratio = FIRST_RATIO;

  constructor(
    private readonly negotiated: NegotiatedCompression,
    settings: CompressionSettings,
  ) {
    this.unit = negotiated.extension === 'permessage-deflate' ? 'message' : 'frame';
    this.threshold = settings.threshold;
    this.asyncThreshold = settings.asyncThreshold;
    this.settings = {
      ...settings,
      deflateOptions: tuning(settings.deflateOptions),
      inflateOptions: tuning(settings.inflateOptions),
    };
    const { deflate, inflate } = negotiated;
    this.sent = deflate.noContextTakeover
      ? undefined
      : new WindowHistory(Math.min(SENT_HISTORY, 1 << deflate.windowBits));
    this.received = inflate.noContextTakeover ? undefined : new WindowHistory(1 << inflate.windowBits);
  }

  /** Bytes of window history held between messages (the idle cost of this connection's compression). */
  get retainedBytes(): number {
    return (this.sent?.retained ?? 0) + (this.received?.retained ?? 0);
  }

  inflate(data: Buffer, limit: number): Buffer | InflateFailure {
    const dictionary = this.received?.dictionary;
    let out: Buffer;
    try {
      out = inflateRawSync(Buffer.concat([data, TAIL]), {
        chunkSize: this.inflateChunk(data.length, limit),
        ...this.settings.inflateOptions,
        // Any window up to 15 bits inflates with 15: robust to peers that use 9 for a negotiated 8.
        windowBits: 15,
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: Math.max(1, limit),
        ...(dictionary ? { dictionary } : {}),
      });
    } catch (err) {
      return (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-big' : 'corrupt';
    }
    if (out.length > limit) return 'too-big';
    if (data.length > 0) this.ratio = Math.min(MAX_RATIO, Math.max(1, out.length / data.length));
    this.received?.append(out);
    // One chunk bigger than the message comes back as a view of it: the application keeps at most about twice
    // the message (the chunk guess has 25% slack), else the message is copied out (13 us for 64 KiB).
    return out.buffer.byteLength > 2 * out.length + RETAIN_SLACK ? Buffer.from(out) : out;
  }

  /**
   * zlib's output chunk for one message: a little larger than the last message's ratio predicts, so a
   * typical message inflates in one chunk (each further chunk costs another pass through zlib and a copy:
   * 56 us instead of 41 us for 64 KiB of JSON in 16 KiB chunks), bounded by the limit and MAX_CHUNK.
   */
  private inflateChunk(compressed: number, limit: number): number {
    const guess = Math.ceil(compressed * this.ratio * 1.25) + 256;
    return Math.max(MIN_CHUNK, Math.min(guess, limit + 1, MAX_CHUNK));
  }

  deflate(data: Uint8Array): Buffer {
    const out = deflateRawSync(data, this.deflateOptions(data.length, this.sent?.dictionary));
    this.sent?.append(data);
    return this.finishDeflate(out);
  }

  prepareDeflate(data: Uint8Array): DeflateCall {
    const history = this.sent?.dictionary;
    // Copies: the history buffer is rewritten by the next message, the caller's buffer by the caller.
    const call = {
      input: Buffer.from(data),
      options: this.deflateOptions(data.length, history && Buffer.from(history)),
    };
    this.sent?.append(data);
    return call;
  }

  finishDeflate(out: Buffer): Buffer {
    const end = out.length - TAIL.length;
    return end >= 0 && out.subarray(end).equals(TAIL) ? out.subarray(0, end) : out;
  }

  private deflateOptions(length: number, dictionary: Buffer | undefined): ZlibOptions {
    const windowBits = deflateBits(this.negotiated.deflate.windowBits, length + (dictionary?.length ?? 0));
    return {
      // zlib's own pairing is memLevel 8 (a 2^15-entry hash) for a 15-bit window: scaled down with it.
      level: defaultDeflateLevel(length),
      memLevel: Math.max(1, Math.min(8, windowBits - 7)),
      chunkSize: Math.min(16 * 1024, Math.max(64, length + 64)),
      ...this.settings.deflateOptions,
      windowBits,
      finishFlush: constants.Z_SYNC_FLUSH,
      ...(dictionary ? { dictionary } : {}),
    };
  }

  close(): void {
    this.sent?.clear();
    this.received?.clear();
  }
}
