// Command-line parsing on node:util parseArgs: strict (unknown flags, missing values and stray values are
// usage errors, exit 1), with Node's messages cut to their first sentence.
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';

export class UsageFault extends Error {
  override name = 'UsageFault';
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<
  typeof nodeParseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>
>;

/** Node's parse errors carry these codes; anything else is a bug and passes through. */
function toUsageFault(err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) return err;
  const message = (err as Error).message;
  // "Unknown option '--x'. To specify a positional argument ..." -> "unknown option '--x'"
  const first = message.split(/\.\s/)[0]!.replace(/\.$/, '');
  return new UsageFault(first.charAt(0).toLowerCase() + first.slice(1));
}

/** Parse `argv` (without node and script) against `options`; positionals are allowed, the command checks them. */
export function parseCommand<const O extends Options>(argv: readonly string[], options: O): Parsed<O> {
  try {
    return nodeParseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw toUsageFault(err);
  }
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

/**
 * The older FlagSpec form (a 'list' type for repeatable flags), kept for the commands not yet moved to
 * parseCommand; it is parseCommand underneath.
 */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const options: Options = {};
  for (const [name, s] of Object.entries(spec))
    options[name] = {
      type: s.type === 'boolean' ? 'boolean' : 'string',
      ...(s.type === 'list' ? { multiple: true } : {}),
      ...(s.short ? { short: s.short } : {}),
    };
  const { values, positionals } = parseCommand(argv, options);
  return { flags: values as ParsedArgs['flags'], positionals };
}

/** A TCP port from a flag value: an integer 0..65535, else a usage error. */
export function parsePort(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new UsageFault(`${flag} must be a port number 0-65535`);
  return Number(value);
}
