// The compression flags shared by `serve` and `gateway` (toward clients), and by `gateway` with the
// `upstream-` prefix (toward its upstream): parseArgs options, and the perMessageDeflate option they make.
import type { PerMessageDeflateOptions } from '../node/compression-options.js';
import { UsageFault } from './args.js';

export type Side = '' | 'upstream-';
export type Compression = boolean | PerMessageDeflateOptions;

type FlagOption = { readonly type: 'boolean' | 'string' };

/** Tuning flags by name (without prefix): what each sets, and how its value is read. */
const TUNING = {
  'deflate-threshold': { type: 'string', key: 'threshold' },
  'deflate-level': { type: 'string', key: 'level' },
  'server-max-window-bits': { type: 'string', key: 'serverMaxWindowBits' },
  'client-max-window-bits': { type: 'string', key: 'clientMaxWindowBits' },
  'server-no-context-takeover': { type: 'boolean', key: 'serverNoContextTakeover' },
  'client-no-context-takeover': { type: 'boolean', key: 'clientNoContextTakeover' },
  // Toward clients only: the legacy x-webkit-deflate-frame / deflate-frame offers are accepted by default.
  'no-deflate-frame': { type: 'boolean', key: 'deflateFrame' },
} as const;

type TuningFlag = keyof typeof TUNING;

function tuningFlags(side: Side): TuningFlag[] {
  const all = Object.keys(TUNING) as TuningFlag[];
  return side === '' ? all : all.filter((f) => f !== 'no-deflate-frame');
}

/** The parseArgs options of one side: `--[upstream-]permessage-deflate`, its negation and the tuning. */
export function compressionFlags(side: Side): Record<string, FlagOption> {
  const out: Record<string, FlagOption> = {
    [`${side}permessage-deflate`]: { type: 'boolean' },
    [`${side}no-permessage-deflate`]: { type: 'boolean' },
  };
  for (const f of tuningFlags(side)) out[`${side}${f}`] = { type: TUNING[f].type };
  return out;
}

function integer(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageFault(`${flag} must be an integer ${min}-${max}`);
  return Number(value);
}

function tuningValue(f: TuningFlag, flag: string, value: string | boolean): number | boolean {
  switch (f) {
    case 'deflate-threshold':
      return integer(value as string, flag, 0, 2 ** 31 - 1);
    case 'deflate-level':
      return integer(value as string, flag, 0, 9);
    case 'server-max-window-bits':
    case 'client-max-window-bits':
      return integer(value as string, flag, 8, 15);
    case 'no-deflate-frame':
      return false;
    default:
      return true;
  }
}

/**
 * The perMessageDeflate option of one side from parsed flags over `base` (the config file's value, if any):
 * `--permessage-deflate` turns it on, `--no-permessage-deflate` off, a tuning flag turns it on and sets
 * its field. Undefined when no flag of this side was given and there is no base.
 */
export function compressionFrom(
  values: Readonly<Record<string, unknown>>,
  side: Side,
  base?: Compression,
): Compression | undefined {
  const on = values[`${side}permessage-deflate`] === true;
  const off = values[`${side}no-permessage-deflate`] === true;
  if (on && off)
    throw new UsageFault(`--${side}permessage-deflate and --${side}no-permessage-deflate conflict`);
  const given = tuningFlags(side).filter((f) => values[`${side}${f}`] !== undefined);
  if (off && given.length > 0)
    throw new UsageFault(
      `--${side}${given[0]} needs compression, which --${side}no-permessage-deflate turns off`,
    );
  if (off) return false;
  if (!on && given.length === 0) return base;
  const options: Record<string, unknown> = typeof base === 'object' ? { ...base } : {};
  for (const f of given) {
    const flag = `--${side}${f}`;
    const v = tuningValue(f, flag, values[`${side}${f}`] as string | boolean);
    if (f === 'deflate-level')
      options.zlibDeflateOptions = { ...(options.zlibDeflateOptions as object | undefined), level: v };
    else options[TUNING[f].key] = v;
  }
  return options as PerMessageDeflateOptions;
}

/** One line for an operator: what a side negotiates (e.g. `permessage-deflate, deflate-frame`), or `off`. */
export function describeCompression(value: Compression | undefined): string {
  if (value === undefined || value === false) return 'off';
  const legacy = value === true || value.deflateFrame !== false;
  return legacy ? 'permessage-deflate, deflate-frame' : 'permessage-deflate';
}
