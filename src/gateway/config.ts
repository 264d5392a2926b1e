// The operator's configuration: command-line flags and a JSON config file, both turned into GatewayOptions.
import { readFileSync } from 'node:fs';
import type { DraftId } from '../core/types.js';
import type { GatewayOptions } from './options.js';
import type { BinaryToLegacy } from './policy.js';
import { parseRewriteFlag, type RewriteRule } from './target.js';

/** A configuration mistake: the CLI prints the message and exits 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Every setting, by its config-file key; the flag is the kebab-case form (`highWaterMark` -> `--high-water-mark`). */
export const SETTINGS = {
  listen: 'string',
  upstream: 'string',
  cert: 'string',
  key: 'string',
  allowOrigin: 'list',
  rewrite: 'list',
  binaryToLegacy: 'string',
  drafts: 'list',
  clientIdleTimeout: 'duration',
  upstreamIdleTimeout: 'duration',
  idleTimeout: 'duration',
  highWaterMark: 'size',
  maxPayload: 'size',
  maxBufferedBytes: 'size',
  maxConnections: 'count',
  handshakeTimeout: 'duration',
  connectTimeout: 'duration',
  shutdownTimeout: 'duration',
  trustProxy: 'boolean',
  proxyProtocol: 'boolean',
  upstreamCa: 'string',
  upstreamInsecure: 'boolean',
  healthPath: 'string',
  metricsPath: 'string',
  quiet: 'boolean',
  // Read by the CLI, not createGateway: `auto` or a count of worker processes sharing the port.
  workers: 'string',
  drainTimeout: 'duration',
  // `true`, `false` or createServer's / connect's perMessageDeflate object. Their flags are the CLI's own
  // (`--permessage-deflate`, `--upstream-permessage-deflate` and the tuning flags), not the kebab-case key.
  perMessageDeflate: 'compression',
  upstreamPerMessageDeflate: 'compression',
} as const;

export type SettingName = keyof typeof SETTINGS;
export type RawSettings = Partial<Record<SettingName, unknown>>;

export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZES: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1e9,
  gib: 1024 ** 3,
};

/** `30s`, `500ms`, `5m`, `1h`, or a bare number of seconds; 0 disables. Returns milliseconds. */
export function parseDuration(value: unknown, name: string): number {
  if (typeof value === 'number' && value >= 0 && Number.isFinite(value)) return Math.round(value * 1000);
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim()) : null;
  if (!m) throw new ConfigError(`${name}: '${String(value)}' is not a duration (e.g. 30s, 500ms, 5m)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!);
}

/** `1048576`, `64k`, `1MiB`, `16mb` (k/m/g are binary, kb/mb/gb decimal). Returns bytes. */
export function parseSize(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim()) : null;
  const unit = m ? SIZES[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0)
    throw new ConfigError(`${name}: '${String(value)}' is not a size (e.g. 65536, 64k, 1MiB)`);
  return Math.floor(Number(m[1]) * unit);
}

function parseCount(value: unknown, name: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new ConfigError(`${name}: '${String(value)}' is not a positive integer`);
  return n;
}

/** `HOST:PORT`, `[v6]:PORT` or `:PORT` (all interfaces); a bare port listens on 127.0.0.1. */
export function parseListen(value: string): { host: string; port: number } {
  const v = value.trim();
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(v) ?? /^()()(\d{1,5})$/.exec(v);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) throw new ConfigError(`listen: '${value}' must be HOST:PORT`);
  if (!v.includes(':')) return { host: '127.0.0.1', port };
  const host = m[1] || m[2];
  return { host: host ? host : '0.0.0.0', port };
}

const KIND_NAMES: Partial<Record<string, string>> = {
  list: 'a list of strings',
  compression: 'true, false or a perMessageDeflate object',
};

/** The JSON config file: an object of known keys, checked before any flag is applied. */
export function readConfigFile(file: string): RawSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`config: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config: ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ConfigError(`config: ${file} must hold a JSON object`);
  for (const [key, v] of Object.entries(json)) {
    const kind = SETTINGS[key as SettingName];
    if (kind === undefined) throw new ConfigError(`config: unknown key '${key}' in ${file}`);
    const ok =
      kind === 'list'
        ? Array.isArray(v) && v.every((x) => typeof x === 'string')
        : kind === 'boolean'
          ? typeof v === 'boolean'
          : kind === 'string'
            ? typeof v === 'string'
            : kind === 'compression'
              ? typeof v === 'boolean' || (typeof v === 'object' && v !== null && !Array.isArray(v))
              : typeof v === 'string' || typeof v === 'number';
    if (!ok) throw new ConfigError(`config: '${key}' in ${file} must be ${KIND_NAMES[kind] ?? `a ${kind}`}`);
  }
  return json as RawSettings;
}

function readPem(file: string, name: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${name}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Settings (file merged with flags, flags winning) -> createGateway options, plus whether to log. */
export function toGatewayOptions(s: RawSettings): { options: GatewayOptions; quiet: boolean } {
  if (typeof s.listen !== 'string') throw new ConfigError('listen: required (HOST:PORT)');
  if (typeof s.upstream !== 'string')
    throw new ConfigError('upstream: required (ws://, wss:// or tcp:// URL)');
  if ((s.cert === undefined) !== (s.key === undefined)) throw new ConfigError('cert and key go together');
  const o: Record<string, unknown> = { ...parseListen(s.listen), upstream: s.upstream };
  if (typeof s.cert === 'string' && typeof s.key === 'string')
    o.tls = { cert: readPem(s.cert, 'cert'), key: readPem(s.key, 'key') };
  if (s.allowOrigin !== undefined) o.allowOrigins = s.allowOrigin;
  if (s.rewrite !== undefined)
    o.rewrite = (s.rewrite as string[]).map((r): RewriteRule => {
      try {
        return parseRewriteFlag(r);
      } catch (err) {
        throw new ConfigError((err as Error).message);
      }
    });
  if (s.binaryToLegacy !== undefined) o.binaryToLegacy = s.binaryToLegacy as BinaryToLegacy;
  if (s.drafts !== undefined)
    o.drafts = (s.drafts as string[]).flatMap((d) => d.split(',')).map((d) => d.trim()) as DraftId[];
  for (const k of [
    'clientIdleTimeout',
    'upstreamIdleTimeout',
    'idleTimeout',
    'handshakeTimeout',
    'connectTimeout',
    'shutdownTimeout',
  ] as const)
    if (s[k] !== undefined) o[k] = parseDuration(s[k], k);
  // The workers' drain on SIGTERM is the gateway's graceful shutdown: one timeout under either name.
  if (s.drainTimeout !== undefined && s.shutdownTimeout === undefined)
    o.shutdownTimeout = parseDuration(s.drainTimeout, 'drainTimeout');
  for (const k of ['highWaterMark', 'maxPayload', 'maxBufferedBytes'] as const)
    if (s[k] !== undefined) o[k] = parseSize(s[k], k);
  if (s.maxConnections !== undefined) o.maxConnections = parseCount(s.maxConnections, 'maxConnections');
  if (s.trustProxy === true) o.trustProxy = true;
  if (s.proxyProtocol === true) o.proxyProtocol = true;
  if (typeof s.upstreamCa === 'string') o.upstreamCa = readPem(s.upstreamCa, 'upstreamCa');
  if (s.upstreamInsecure === true) o.upstreamRejectUnauthorized = false;
  // Checked by createGateway with createServer's and connect's rules (a TypeError, a usage error in the CLI).
  for (const k of ['perMessageDeflate', 'upstreamPerMessageDeflate'] as const)
    if (s[k] !== undefined) o[k] = s[k];
  if (s.upstreamPerMessageDeflate && s.upstream.startsWith('tcp:'))
    throw new ConfigError('upstreamPerMessageDeflate needs a ws:// or wss:// upstream, not tcp://');
  for (const k of ['healthPath', 'metricsPath'] as const)
    if (s[k] !== undefined) o[k] = s[k] === 'off' ? false : s[k];
  return { options: o as unknown as GatewayOptions, quiet: s.quiet === true };
}
