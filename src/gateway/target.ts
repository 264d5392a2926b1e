// Where a client's request goes upstream: path rewriting, prefixing, query joining, forwarding headers
// (RFC 7239 §5.2 explains X-Forwarded-For's de-facto successor; we keep the de-facto header).

/** One rewrite rule: the first rule whose regular expression matches the path replaces it (`$1` allowed). */
export interface RewriteRule {
  readonly from: string;
  readonly to: string;
}

interface CompiledRule {
  readonly re: RegExp;
  readonly to: string;
}

/** Compile rules once at startup; a bad expression is a configuration error naming the rule. */
export function compileRewrites(rules: readonly RewriteRule[]): readonly CompiledRule[] {
  return rules.map((r, i) => {
    if (typeof r?.from !== 'string' || typeof r.to !== 'string')
      throw new TypeError(`rewrite[${i}]: expected { from, to } strings`);
    try {
      return { re: new RegExp(r.from), to: r.to };
    } catch (err) {
      throw new TypeError(`rewrite[${i}]: bad regular expression '${r.from}': ${(err as Error).message}`);
    }
  });
}

/** Parse the `FROM=TO` form used on the command line (the first `=` splits). */
export function parseRewriteFlag(value: string): RewriteRule {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new TypeError(`rewrite: '${value}' must look like REGEX=REPLACEMENT`);
  return { from: value.slice(0, eq), to: value.slice(eq + 1) };
}

/**
 * The upstream URL for a client request target. The client's path goes through the first matching
 * rewrite rule, then is appended to the upstream URL's path (a client `/` maps to that path itself);
 * the upstream URL's query comes first, then the client's.
 */
export function upstreamUrl(base: URL, clientTarget: string, rules: readonly CompiledRule[]): URL {
  const q = clientTarget.indexOf('?');
  let path = q >= 0 ? clientTarget.slice(0, q) : clientTarget;
  const query = q >= 0 ? clientTarget.slice(q + 1) : '';
  if (!path.startsWith('/')) path = `/${path}`;
  const rule = rules.find((r) => r.re.test(path));
  if (rule) path = path.replace(rule.re, rule.to);
  if (!path.startsWith('/')) path = `/${path}`;
  const url = new URL(base.href);
  const prefix = base.pathname.replace(/\/+$/, '');
  url.pathname = prefix === '' ? path : path === '/' ? prefix : `${prefix}${path}`;
  const baseQuery = base.search.slice(1);
  url.search = [baseQuery, query].filter((s) => s !== '').join('&');
  return url;
}

/**
 * The X-Forwarded-For value to send upstream: the client's address, after the incoming header when the
 * gateway trusts its own proxy (e.g. nginx's $proxy_add_x_forwarded_for); otherwise incoming values are
 * dropped so clients cannot forge them.
 */
export function forwardedFor(incoming: string | undefined, remote: string, trustProxy: boolean): string {
  const addr = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
  if (!trustProxy || incoming === undefined || incoming.trim() === '') return addr;
  return `${incoming.trim()}, ${addr}`;
}

/** The address a log line names: the first hop of a trusted X-Forwarded-For, else the socket peer. */
export function clientAddress(incoming: string | undefined, remote: string, trustProxy: boolean): string {
  const addr = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
  if (!trustProxy || incoming === undefined) return addr;
  const first = incoming.split(',')[0]?.trim();
  return first === undefined || first === '' ? addr : first;
}
