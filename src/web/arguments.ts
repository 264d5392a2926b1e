// The WHATWG WebSocket's argument checks (HTML "The WebSocket interface": constructor steps 1-7, close()
// steps 1-2) and WebIDL conversions, each failing with the DOMException the standard names.

/** RFC 6455 §4.1 / RFC 2616 token: what a subprotocol may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 6455 §5.5: a close frame's reason is at most 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;

function syntaxError(message: string): DOMException {
  return new DOMException(message, 'SyntaxError');
}

/** Constructor steps 1-4: parse, map http(s) to ws(s), refuse other schemes and fragments. */
export function parseWebSocketUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw syntaxError(`Failed to construct 'WebSocket': the URL '${String(url)}' is invalid`);
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')
    throw syntaxError(
      `Failed to construct 'WebSocket': the URL's scheme must be ws or wss, not ${parsed.protocol}`,
    );
  if (parsed.hash !== '' || String(url).includes('#'))
    throw syntaxError("Failed to construct 'WebSocket': the URL contains a fragment identifier");
  return parsed;
}

/** Constructor steps 5-7: a string or sequence of unique tokens (compared case-sensitively). */
export function checkProtocols(protocols: string | readonly string[] | undefined): string[] {
  const list =
    protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : [...protocols].map(String);
  const seen = new Set<string>();
  for (const p of list) {
    if (!TOKEN.test(p))
      throw syntaxError(`Failed to construct 'WebSocket': '${p}' is not a valid subprotocol`);
    if (seen.has(p)) throw syntaxError(`Failed to construct 'WebSocket': subprotocol '${p}' is repeated`);
    seen.add(p);
  }
  return list;
}

/** WebIDL `[Clamp] unsigned short`. */
function clampUnsignedShort(value: unknown): number {
  const n = Number(value);
  if (Number.isNaN(n)) return 0;
  const clamped = Math.min(Math.max(n, 0), 65535);
  // Round half to even, as WebIDL's [Clamp] does.
  const floor = Math.floor(clamped);
  const diff = clamped - floor;
  if (diff > 0.5 || (diff === 0.5 && floor % 2 === 1)) return floor + 1;
  return floor;
}

/** WebIDL USVString: lone surrogates become U+FFFD. */
function toUSVString(value: unknown): string {
  return String(value).replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

/** close() steps 1-2: the code must be 1000 or 3000-4999 (InvalidAccessError); the reason at most 123 bytes. */
export function checkCloseArgs(code: unknown, reason: unknown): { code: number | undefined; reason: string } {
  const c = code === undefined ? undefined : clampUnsignedShort(code);
  if (c !== undefined && c !== 1000 && (c < 3000 || c > 4999))
    throw new DOMException(`The close code must be 1000 or 3000-4999, got ${c}`, 'InvalidAccessError');
  const r = reason === undefined ? '' : toUSVString(reason);
  if (Buffer.byteLength(r, 'utf8') > MAX_REASON_BYTES)
    throw syntaxError(`The close reason must be at most ${MAX_REASON_BYTES} bytes of UTF-8`);
  return { code: c, reason: r };
}
