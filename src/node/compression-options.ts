// The `perMessageDeflate` option of createServer and connect, named and shaped as in ws 8 (docs/api.md).
import type { ZlibOptions } from 'node:zlib';
import type { CompressionPolicy, NegotiatedCompression } from '../core/types.js';
import {
  type CompressionSettings,
  ZlibCompression,
  type ZlibTuning,
} from '../extensions/zlib-compression.js';
import { checkOptions, isBoolean, isNonNegativeNumber, isObject, type OptionCheck } from './options-check.js';
import { sharedZlibPool } from './zlib-pool.js';

/** Default asyncThreshold: below it a deflate costs less than the trip to a pool thread and back. */
export const DEFAULT_ASYNC_THRESHOLD = 16 * 1024;

const isPositiveInteger: OptionCheck = (v) =>
  Number.isInteger(v) && (v as number) > 0 ? undefined : 'a positive integer';

export interface PerMessageDeflateOptions {
  /** The server resets its compressor after each message (a client asks the server to). */
  readonly serverNoContextTakeover?: boolean | undefined;
  /** Ask (server: require) that the client resets its compressor after each message. */
  readonly clientNoContextTakeover?: boolean | undefined;
  /** A number 8..15 caps the server's window; true accepts any; false refuses offers that name one. */
  readonly serverMaxWindowBits?: number | boolean | undefined;
  /** A number 8..15 caps the client's window (smaller window history per connection); true/false as above. */
  readonly clientMaxWindowBits?: number | boolean | undefined;
  /**
   * Passed to zlib when deflating: level, memLevel, strategy, chunkSize. Other zlib keys (windowBits, flush,
   * dictionary...) are accepted, as ws takes them, and ignored: negotiation sets the window.
   */
  readonly zlibDeflateOptions?: ZlibTuning | ZlibOptions | undefined;
  /** Passed to zlib when inflating: chunkSize. */
  readonly zlibInflateOptions?: ZlibTuning | ZlibOptions | undefined;
  /** Messages shorter than this many bytes go uncompressed (default 1024, as ws). */
  readonly threshold?: number | undefined;
  /**
   * Messages from this many bytes up are deflated on libuv's thread pool instead of the event loop (default
   * 16384; Infinity keeps every deflate on the event loop). Smaller ones deflate inline, where the hop to a
   * pool thread would cost more than it saves.
   */
  readonly asyncThreshold?: number | undefined;
  /**
   * Deflates that may run on libuv's pool at once, process-wide, as ws's (default UV_THREADPOOL_SIZE - 1,
   * at least 1: one thread stays free for dns and fs). The last server or client created with it sets it.
   */
  readonly concurrencyLimit?: number | undefined;
  /**
   * Server: also accept the legacy x-webkit-deflate-frame / deflate-frame offers (default true). Client:
   * offer only `x-webkit-deflate-frame`, as Safari 6-7 and Chrome 16-31 did (default false).
   */
  readonly deflateFrame?: boolean | undefined;
}

/** What a resolved `perMessageDeflate` gives the handshake (pure policy) and the codec (zlib settings). */
export interface ResolvedCompression {
  readonly policy: CompressionPolicy;
  readonly settings: CompressionSettings;
}

const isWindowBits: OptionCheck = (v) =>
  typeof v === 'boolean' || (Number.isInteger(v) && (v as number) >= 8 && (v as number) <= 15)
    ? undefined
    : 'a boolean or an integer 8..15';

/** ws passes zlib's whole option bag; the tuning keys are used, the rest (windowBits, flush...) ignored. */
const isZlibTuning: OptionCheck = (v) => {
  if (isObject(v) !== undefined) return 'an object';
  const tuning = ['level', 'memLevel', 'strategy', 'chunkSize'];
  for (const [k, x] of Object.entries(v as object))
    if (tuning.includes(k) && x !== undefined && !Number.isInteger(x))
      return `an object whose ${tuning.join(', ')} are integers`;
  return undefined;
};

const SPEC: Readonly<Record<keyof PerMessageDeflateOptions, OptionCheck>> = {
  serverNoContextTakeover: isBoolean,
  clientNoContextTakeover: isBoolean,
  serverMaxWindowBits: isWindowBits,
  clientMaxWindowBits: isWindowBits,
  zlibDeflateOptions: isZlibTuning,
  zlibInflateOptions: isZlibTuning,
  threshold: isNonNegativeNumber,
  asyncThreshold: isNonNegativeNumber,
  concurrencyLimit: isPositiveInteger,
  deflateFrame: isBoolean,
};

export const isPerMessageDeflate: OptionCheck = (v) =>
  typeof v === 'boolean' || isObject(v) === undefined ? undefined : 'a boolean or an object';

/** undefined when compression is off (the default). Throws TypeError on a bad sub-option. */
export function resolveCompression(
  where: string,
  value: boolean | PerMessageDeflateOptions | undefined,
): ResolvedCompression | undefined {
  if (value === undefined || value === false) return undefined;
  const o = checkOptions(
    `${where}: perMessageDeflate`,
    value === true ? {} : value,
    SPEC,
  ) as PerMessageDeflateOptions;
  // Process-wide, as ws's limiter.
  if (o.concurrencyLimit !== undefined) sharedZlibPool().limit = o.concurrencyLimit;
  return {
    policy: {
      serverNoContextTakeover: o.serverNoContextTakeover ?? false,
      clientNoContextTakeover: o.clientNoContextTakeover ?? false,
      serverMaxWindowBits: o.serverMaxWindowBits ?? true,
      clientMaxWindowBits: o.clientMaxWindowBits ?? true,
      deflateFrame: o.deflateFrame ?? where === 'createServer',
    },
    settings: {
      deflateOptions: o.zlibDeflateOptions ?? {},
      inflateOptions: o.zlibInflateOptions ?? {},
      threshold: o.threshold ?? 1024,
      asyncThreshold: o.asyncThreshold ?? DEFAULT_ASYNC_THRESHOLD,
    },
  };
}

/** The codec's compression for a negotiated extension. */
export function createCompression(
  negotiated: NegotiatedCompression | undefined,
  resolved: ResolvedCompression | undefined,
): { compression?: ZlibCompression } {
  if (negotiated === undefined || resolved === undefined) return {};
  return { compression: new ZlibCompression(negotiated, resolved.settings) };
}
