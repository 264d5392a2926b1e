// HTTP/1.1 request and response head parsing for handshakes (RFC 9112 §2-§5), bounded and total.
import type { HeaderLine, RequestHead, ResponseHead } from './types.js';

/** Default limit on a handshake head: Node's own http parser allows 16 KiB. */
export const DEFAULT_MAX_HEAD_BYTES = 16 * 1024;

export type HeadParse<T> =
  | {
      readonly kind: 'head';
      readonly head: T /** bytes of `buf` the head used, terminator included */;
      readonly consumed: number;
    }
  | { readonly kind: 'need-more' }
  | { readonly kind: 'error'; readonly reason: string };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Where the head ends: after CRLF CRLF, or after LF LF for hand-written captures. -1 when not yet. */
export function findHeadEnd(buf: Uint8Array, limit: number): number {
  const end = Math.min(buf.length, limit + 4);
  for (let i = 0; i < end; i++) {
    if (buf[i] !== 0x0a) continue;
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

function splitHead(
  buf: Uint8Array,
  maxHeadBytes: number,
): { lines: string[]; consumed: number } | { kind: 'need-more' } | { kind: 'error'; reason: string } {
  const consumed = findHeadEnd(buf, maxHeadBytes);
  if (consumed < 0) {
    if (buf.length > maxHeadBytes) return { kind: 'error', reason: `head larger than ${maxHeadBytes} bytes` };
    return { kind: 'need-more' };
  }
  if (consumed > maxHeadBytes) return { kind: 'error', reason: `head larger than ${maxHeadBytes} bytes` };
  // latin1 keeps every byte as one code unit, so nothing is lost before validation.
  const text = Buffer.from(buf.buffer, buf.byteOffset, consumed).toString('latin1');
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return { lines, consumed };
}

/**
 * `line` from `start`, without leading and trailing spaces and tabs (RFC 9112 §5.1 OWS). By index, in
 * linear time: the regex /[ \t]+$/ retries at every blank, quadratic on a value of 16,000 spaces.
 */
function trimOws(line: string, start: number): string {
  let from = start;
  let to = line.length;
  while (from < to && (line.charCodeAt(from) === 0x20 || line.charCodeAt(from) === 0x09)) from++;
  while (to > from && (line.charCodeAt(to - 1) === 0x20 || line.charCodeAt(to - 1) === 0x09)) to--;
  return line.slice(from, to);
}

function parseHeaderLines(lines: readonly string[]): HeaderLine[] | string {
  const headers: HeaderLine[] = [];
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t'))
      return 'obsolete line folding is not allowed (RFC 9112 §5.2)';
    const colon = line.indexOf(':');
    if (colon <= 0) return `malformed header line: ${JSON.stringify(line.slice(0, 60))}`;
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return `invalid header name: ${JSON.stringify(name.slice(0, 60))}`;
    const value = trimOws(line, colon + 1);
    if (/[\0\r\n]/.test(value)) return `invalid character in header ${name}`;
    headers.push([name, value]);
  }
  return headers;
}

/** Parse `GET /path HTTP/1.1` and headers. Total: never throws. */
export function parseRequestHead(
  buf: Uint8Array,
  maxHeadBytes = DEFAULT_MAX_HEAD_BYTES,
): HeadParse<RequestHead> {
  const split = splitHead(buf, maxHeadBytes);
  if (!('lines' in split)) return split;
  const [start, ...rest] = split.lines;
  const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(\d\.\d)$/.exec(start ?? '');
  if (!m)
    return { kind: 'error', reason: `malformed request line: ${JSON.stringify((start ?? '').slice(0, 80))}` };
  const headers = parseHeaderLines(rest);
  if (typeof headers === 'string') return { kind: 'error', reason: headers };
  return {
    kind: 'head',
    head: { method: m[1]!, target: m[2]!, httpVersion: m[3]!, headers },
    consumed: split.consumed,
  };
}

/** Parse `HTTP/1.1 101 Switching Protocols` and headers. Total: never throws. */
export function parseResponseHead(
  buf: Uint8Array,
  maxHeadBytes = DEFAULT_MAX_HEAD_BYTES,
): HeadParse<ResponseHead> {
  const split = splitHead(buf, maxHeadBytes);
  if (!('lines' in split)) return split;
  const [start, ...rest] = split.lines;
  const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(start ?? '');
  if (!m)
    return { kind: 'error', reason: `malformed status line: ${JSON.stringify((start ?? '').slice(0, 80))}` };
  const headers = parseHeaderLines(rest);
  if (typeof headers === 'string') return { kind: 'error', reason: headers };
  return {
    kind: 'head',
    head: { httpVersion: m[1]!, status: Number(m[2]), reason: m[3] ?? '', headers },
    consumed: split.consumed,
  };
}

/** Serialize a head. Empty values are dropped: some old clients choke on `Name: ` (brief: never send one). */
export function serializeHead(startLine: string, headers: readonly HeaderLine[]): Buffer {
  let out = `${startLine}\r\n`;
  for (const [name, value] of headers) {
    if (value === '') continue;
    out += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${out}\r\n`, 'latin1');
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A complete HTTP error response for a refused handshake: status, extra headers, text/plain reason. */
export function serializeRejection(rejection: {
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly HeaderLine[];
}): Buffer {
  const body = Buffer.from(`${rejection.reason}\n`, 'utf8');
  const head = serializeHead(`HTTP/1.1 ${rejection.status} ${STATUS_TEXT[rejection.status] ?? 'Error'}`, [
    ...rejection.headers,
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.length)],
    ['Connection', 'close'],
  ]);
  return Buffer.concat([head, body]);
}
