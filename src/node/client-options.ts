// connect() options: validation and defaults (docs/api.md "Node layer").
import {
  BINARY_TO_LEGACY,
  type BinaryToLegacy,
  DEFAULT_BINARY_TO_LEGACY,
} from '../connection/legacy-binary.js';
import { ALL_DRAFTS, type DraftId, type HeaderLine, type Rng } from '../core/types.js';
import {
  isPerMessageDeflate,
  type PerMessageDeflateOptions,
  type ResolvedCompression,
  resolveCompression,
} from './compression-options.js';
import {
  checkOptions,
  isBoolean,
  isBytesLike,
  isFunction,
  isNonNegativeNumber,
  isPositiveNumber,
  isString,
  isStringList,
  type OptionCheck,
  oneOf,
} from './options-check.js';
import { DEFAULT_CLOSE_TIMEOUT, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_PAYLOAD } from './server-options.js';

export interface ClientOptions {
  readonly draft?: DraftId;
  readonly protocols?: string | readonly string[];
  readonly origin?: string;
  /** Extra request headers: an object or a list of [name, value] pairs. */
  readonly headers?: Readonly<Record<string, string>> | readonly HeaderLine[];
  readonly maxPayload?: number;
  readonly maxFragments?: number;
  readonly writeHighWaterMark?: number;
  readonly handshakeTimeout?: number;
  readonly closeTimeout?: number;
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
  /** Randomness for the key and masks; tests only. */
  readonly rng?: Rng;
  /** Offer permessage-deflate (RFC 7692; hybi drafts only); off by default. */
  readonly perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** What send(binary) does toward a hixie server (docs/api.md "What every draft guarantees"). */
  readonly binaryToLegacy?: BinaryToLegacy;
}

export interface ResolvedClientOptions {
  readonly draft: DraftId;
  readonly protocols: readonly string[];
  readonly origin: string | undefined;
  readonly headers: readonly HeaderLine[];
  readonly maxPayload: number;
  readonly maxFragments: number | undefined;
  readonly writeHighWaterMark: number | undefined;
  readonly handshakeTimeout: number;
  readonly closeTimeout: number;
  readonly ca: string | Buffer | readonly (string | Buffer)[] | undefined;
  readonly rejectUnauthorized: boolean | undefined;
  readonly servername: string | undefined;
  readonly rng: Rng | undefined;
  readonly perMessageDeflate: ResolvedCompression | undefined;
  readonly binaryToLegacy: BinaryToLegacy;
}

const isHeaders: OptionCheck = (v) => {
  if (Array.isArray(v))
    return v.every((p) => Array.isArray(p) && p.length === 2 && p.every((s) => typeof s === 'string'))
      ? undefined
      : 'an object or an array of [name, value] string pairs';
  return typeof v === 'object' && v !== null && Object.values(v).every((s) => typeof s === 'string')
    ? undefined
    : 'an object of string values or an array of [name, value] pairs';
};

const SPEC: Readonly<Record<keyof ClientOptions, OptionCheck>> = {
  draft: oneOf(ALL_DRAFTS),
  protocols: isStringList,
  origin: isString,
  headers: isHeaders,
  maxPayload: isPositiveNumber,
  maxFragments: (v) => (Number.isInteger(v) && (v as number) > 0 ? undefined : 'a positive integer'),
  writeHighWaterMark: isPositiveNumber,
  handshakeTimeout: isPositiveNumber,
  closeTimeout: isNonNegativeNumber,
  ca: isBytesLike,
  rejectUnauthorized: isBoolean,
  servername: isString,
  rng: isFunction,
  perMessageDeflate: isPerMessageDeflate,
  binaryToLegacy: oneOf(BINARY_TO_LEGACY),
};

export function resolveClientOptions(options: ClientOptions | undefined): ResolvedClientOptions {
  const o = checkOptions('connect', options, SPEC) as ClientOptions;
  const protocols =
    o.protocols === undefined ? [] : typeof o.protocols === 'string' ? [o.protocols] : o.protocols;
  const headers: HeaderLine[] = Array.isArray(o.headers)
    ? [...(o.headers as readonly HeaderLine[])]
    : Object.entries((o.headers ?? {}) as Record<string, string>);
  return {
    draft: o.draft ?? 'rfc6455',
    protocols: [...protocols],
    origin: o.origin,
    headers,
    maxPayload: o.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    maxFragments: o.maxFragments,
    writeHighWaterMark: o.writeHighWaterMark,
    handshakeTimeout: o.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
    closeTimeout: o.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT,
    ca: o.ca,
    rejectUnauthorized: o.rejectUnauthorized,
    servername: o.servername,
    rng: o.rng,
    perMessageDeflate: resolveCompression('connect', o.perMessageDeflate),
    binaryToLegacy: o.binaryToLegacy ?? DEFAULT_BINARY_TO_LEGACY,
  };
}
