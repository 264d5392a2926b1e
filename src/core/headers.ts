// Case-insensitive header lookups and token lists (RFC 9110 §5.3, §5.6.1).
import type { HeaderLine } from './types.js';

/** Case-insensitive name match; the length test spares a lower-cased copy of nearly every header per lookup. */
function sameName(candidate: string, lower: string): boolean {
  return candidate.length === lower.length && (candidate === lower || candidate.toLowerCase() === lower);
}

/** Every value of a header, in order. */
export function headerValues(headers: readonly HeaderLine[], name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const line of headers) if (sameName(line[0], lower)) out.push(line[1]);
  return out;
}

/** The first value of a header, or undefined. */
export function headerValue(headers: readonly HeaderLine[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const line of headers) if (sameName(line[0], lower)) return line[1];
  return undefined;
}

/** A header that must appear at most once: its value, undefined when absent, or 'duplicate'. */
export function singleHeader(
  headers: readonly HeaderLine[],
  name: string,
): { readonly value: string | undefined } | 'duplicate' {
  const values = headerValues(headers, name);
  if (values.length > 1) return 'duplicate';
  return { value: values[0] };
}

/** Comma-separated list elements of every instance of a header, trimmed, empties dropped (RFC 9110 §5.6.1). */
export function headerList(headers: readonly HeaderLine[], name: string): string[] {
  const out: string[] = [];
  for (const value of headerValues(headers, name)) {
    for (const item of value.split(',')) {
      const t = item.trim();
      if (t !== '') out.push(t);
    }
  }
  return out;
}

/** True when a token list header (e.g. Connection) contains `token`, case-insensitively. */
export function hasToken(headers: readonly HeaderLine[], name: string, token: string): boolean {
  const lower = token.toLowerCase();
  return headerList(headers, name).some((t) => t.toLowerCase() === lower);
}

/** The client's origin, whatever its draft: `Origin` first, then hybi-07/08's `Sec-WebSocket-Origin` (drafts.md §5). */
export function requestOrigin(headers: readonly HeaderLine[]): string | undefined {
  return headerValue(headers, 'Origin') ?? headerValue(headers, 'Sec-WebSocket-Origin');
}
