// Sec-WebSocket-Extensions values (RFC 6455 §9.1): parsed element by element, so one malformed offer
// is declined on its own and never takes the others (or the process) down with it.

/** A parameter's value: `true` when it has none (`client_max_window_bits`), else its text. */
export type ParamValue = string | true;

export interface ExtensionElement {
  /** Lower-cased extension token; '' when the element is malformed. */
  readonly name: string;
  /** Parameters in the order sent (names lower-cased); duplicates are kept for the caller to refuse. */
  readonly params: readonly (readonly [name: string, value: ParamValue])[];
  /** The element broke the grammar: it must be declined (and, in a server's answer, fails the client). */
  readonly malformed: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Header values longer than this are not parsed (a head is bounded anyway; this bounds the loop). */
const MAX_LENGTH = 8192;

/** Split on `sep` outside double quotes (a quoted-string may hold commas and semicolons). */
function splitOutsideQuotes(text: string, sep: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) return undefined;
  parts.push(text.slice(start));
  return parts;
}

/** RFC 6455 §9.1: a quoted value must, once unescaped, still be a token. */
function paramValue(raw: string): string | undefined {
  let value = raw;
  if (raw.startsWith('"')) {
    if (raw.length < 2 || !raw.endsWith('"')) return undefined;
    value = raw.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return TOKEN.test(value) ? value : undefined;
}

function parseElement(text: string): ExtensionElement {
  const bad: ExtensionElement = { name: '', params: [], malformed: true };
  const parts = splitOutsideQuotes(text, ';');
  if (parts === undefined) return bad;
  const name = parts[0]!.trim();
  if (!TOKEN.test(name)) return bad;
  const params: [string, ParamValue][] = [];
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!TOKEN.test(key)) return { ...bad, name: name.toLowerCase() };
    if (eq < 0) {
      params.push([key, true]);
      continue;
    }
    const value = paramValue(part.slice(eq + 1).trim());
    if (value === undefined) return { ...bad, name: name.toLowerCase() };
    params.push([key, value]);
  }
  return { name: name.toLowerCase(), params, malformed: false };
}

/**
 * Every element of the given header values, in order (several headers are one comma list, RFC 9110
 * §5.3). Empty list members are skipped; an unbalanced quote makes the whole value one malformed element.
 */
export function parseExtensions(values: readonly string[]): ExtensionElement[] {
  const elements: ExtensionElement[] = [];
  for (const value of values) {
    if (value.length > MAX_LENGTH) {
      elements.push({ name: '', params: [], malformed: true });
      continue;
    }
    const parts = splitOutsideQuotes(value, ',');
    if (parts === undefined) {
      elements.push({ name: '', params: [], malformed: true });
      continue;
    }
    for (const part of parts) if (part.trim() !== '') elements.push(parseElement(part));
  }
  return elements;
}

/** Serialize one element: `name; a; b=1`. */
export function formatExtension(name: string, params: readonly (readonly [string, ParamValue])[]): string {
  return [name, ...params.map(([k, v]) => (v === true ? k : `${k}=${v}`))].join('; ');
}
