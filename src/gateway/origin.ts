// Origin allow-lists for the gateway: exact origins, bare hosts and `*.example.com` wildcards (RFC 6454 §6.1).

/** One compiled allow-list entry. */
interface OriginRule {
  readonly scheme: string | undefined;
  /** Lower-case hostname, or the suffix after `*.` for wildcards. */
  readonly host: string;
  readonly wildcard: boolean;
  /** Port as written ('' = any port when there is no scheme, the scheme's default otherwise). */
  readonly port: string | undefined;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };
const RULE = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?\/?$/i;

/** Parse one `--allow-origin` value, or throw a TypeError saying what is wrong with it. */
export function compileOriginRule(pattern: string): OriginRule | 'any' {
  if (pattern === '*') return 'any';
  const m = RULE.exec(pattern.trim());
  if (!m) throw new TypeError(`allowOrigin: '${pattern}' is not an origin, host or *.host pattern`);
  const scheme = m[1]?.toLowerCase();
  const port = m[4] ?? (scheme ? DEFAULT_PORTS[scheme] : undefined);
  return { scheme, host: m[3]!.toLowerCase(), wildcard: m[2] !== undefined, port };
}

function parseOrigin(origin: string): { scheme: string; host: string; port: string } | undefined {
  try {
    const url = new URL(origin);
    const scheme = url.protocol.slice(0, -1);
    return { scheme, host: url.hostname.toLowerCase(), port: url.port || (DEFAULT_PORTS[scheme] ?? '') };
  } catch {
    return undefined;
  }
}

function matches(rule: OriginRule, o: { scheme: string; host: string; port: string }): boolean {
  if (rule.scheme !== undefined && rule.scheme !== o.scheme) return false;
  if (rule.port !== undefined && rule.port !== o.port) return false;
  // `*.example.com` covers subdomains only, as in TLS wildcard certificates (RFC 6125 §6.4.3).
  return rule.wildcard ? o.host.endsWith(`.${rule.host}`) : o.host === rule.host;
}

/**
 * A predicate for the client's Origin (or Sec-WebSocket-Origin on hybi-07/08). An empty list allows
 * everything; otherwise a request without an origin, or with the opaque origin `null`, is refused.
 */
export function originMatcher(patterns: readonly string[]): (origin: string | undefined) => boolean {
  const rules = patterns.map(compileOriginRule);
  if (rules.length === 0 || rules.includes('any')) return () => true;
  const list = rules.filter((r): r is OriginRule => r !== 'any');
  return (origin) => {
    if (origin === undefined || origin === 'null') return false;
    const parsed = parseOrigin(origin);
    return parsed !== undefined && list.some((r) => matches(r, parsed));
  };
}
