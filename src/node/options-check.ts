// Option validation shared by createServer and connect: unknown names and wrong types throw TypeError.

/** One option's check: returns an error phrase ("a positive number") when the value is unacceptable. */
export type OptionCheck = (value: unknown) => string | undefined;

export const isNonNegativeNumber: OptionCheck = (v) =>
  typeof v === 'number' && !Number.isNaN(v) && v >= 0 ? undefined : 'a non-negative number';
export const isPositiveNumber: OptionCheck = (v) =>
  typeof v === 'number' && !Number.isNaN(v) && v > 0 ? undefined : 'a positive number';
export const isPort: OptionCheck = (v) =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535 ? undefined : 'an integer 0-65535';
export const isString: OptionCheck = (v) => (typeof v === 'string' ? undefined : 'a string');
export const isBoolean: OptionCheck = (v) => (typeof v === 'boolean' ? undefined : 'a boolean');
export const isFunction: OptionCheck = (v) => (typeof v === 'function' ? undefined : 'a function');
export const isObject: OptionCheck = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : 'an object';
export const isStringList: OptionCheck = (v) =>
  typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'))
    ? undefined
    : 'a string or an array of strings';
export const isBytesLike: OptionCheck = (v) =>
  typeof v === 'string' ||
  Buffer.isBuffer(v) ||
  (Array.isArray(v) && v.every((s) => typeof s === 'string' || Buffer.isBuffer(s)))
    ? undefined
    : 'a string, Buffer or array of them';

export function oneOf(values: readonly string[]): OptionCheck {
  return (v) => (typeof v === 'string' && values.includes(v) ? undefined : `one of ${values.join(', ')}`);
}

/**
 * Throws a TypeError naming the first unknown option or the first option of the wrong type. `undefined`
 * values count as absent, so callers may spread optional settings.
 */
export function checkOptions(
  where: string,
  options: unknown,
  spec: Readonly<Record<string, OptionCheck>>,
): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new TypeError(`${where}: options must be an object`);
  const record = options as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    const check = spec[name];
    if (!check) throw new TypeError(`${where}: unknown option '${name}'`);
    if (value === undefined) continue;
    const problem = check(value);
    if (problem !== undefined) throw new TypeError(`${where}: option '${name}' must be ${problem}`);
  }
  return record;
}
