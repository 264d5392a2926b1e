// A small, strict command-line parser: unknown flags and missing values are usage errors (exit 1).

export class UsageFault extends Error {
  override name = 'UsageFault';
}

export interface FlagSpec {
  /** 'boolean' takes no value; 'string' takes one; 'list' may repeat. */
  readonly type: 'boolean' | 'string' | 'list';
  readonly short?: string;
}

export interface ParsedArgs {
  readonly flags: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

/** Parse `argv` (without node and script) against `spec`. Throws UsageFault on anything unknown. */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const flags: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(spec).flatMap(([k, s]) => (s.short ? [[s.short, k] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const rawName = eq >= 0 ? arg.slice(0, eq) : arg;
    const name = rawName.startsWith('--') ? rawName.slice(2) : byShort.get(rawName.slice(1));
    const s = name === undefined ? undefined : spec[name];
    if (name === undefined || s === undefined) throw new UsageFault(`unknown option ${rawName}`);
    if (s.type === 'boolean') {
      if (eq >= 0) throw new UsageFault(`option --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageFault(`option --${name} needs a value`);
    if (s.type === 'list') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else flags[name] = value;
  }
  return { flags, positionals };
}

/** A TCP port from a flag value: an integer 0..65535, else a usage error. */
export function parsePort(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new UsageFault(`${flag} must be a port number 0-65535`);
  return Number(value);
}
