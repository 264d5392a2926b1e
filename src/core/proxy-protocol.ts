// The PROXY protocol header (HAProxy's spec, versions 1 and 2) a load balancer sends before the client's
// bytes, carrying the client's real address. Sans-I/O: give it the bytes read so far, it says what it found.

/** Where the client really came from; `local` when the balancer speaks for itself (health checks, UNKNOWN). */
export type ProxiedAddress =
  | {
      readonly kind: 'proxied';
      readonly address: string;
      readonly port: number;
      readonly family: 'IPv4' | 'IPv6';
    }
  | { readonly kind: 'local' };

export type ProxyParse =
  | { readonly status: 'need-more' }
  | { readonly status: 'done'; readonly header: ProxiedAddress; readonly length: number }
  | { readonly status: 'error'; readonly reason: string };

/** v1 lines are at most 107 bytes including CRLF (spec §2.1). */
export const V1_MAX = 107;
/** v2 address blocks past the fixed 16 bytes: addresses (at most 216 for AF_UNIX) plus TLVs we skip. */
export const V2_MAX_BODY = 1024;

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');

/** True while `bytes` could still be the start of `whole`. */
function startsLike(bytes: Buffer, whole: Buffer): boolean {
  const n = Math.min(bytes.length, whole.length);
  return bytes.subarray(0, n).equals(whole.subarray(0, n));
}

const need: ProxyParse = { status: 'need-more' };
const fail = (reason: string): ProxyParse => ({ status: 'error', reason });

/** Parse the header at the start of `bytes`; `length` is how many bytes it took (the rest is the client's). */
export function parseProxyHeader(bytes: Buffer): ProxyParse {
  if (bytes.length === 0) return need;
  if (startsLike(bytes, V2_SIGNATURE)) return bytes.length < 16 ? need : parseV2(bytes);
  if (startsLike(bytes, V1_PREFIX)) return parseV1(bytes);
  return fail('no PROXY protocol header');
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;
const PORT = /^(0|[1-9]\d{0,4})$/;

function parseV1(bytes: Buffer): ProxyParse {
  const end = bytes.indexOf('\r\n', 0, 'latin1');
  if (end < 0) return bytes.length >= V1_MAX ? fail('PROXY v1 line longer than 107 bytes') : need;
  if (end + 2 > V1_MAX) return fail('PROXY v1 line longer than 107 bytes');
  const parts = bytes.toString('latin1', 0, end).split(' ');
  const length = end + 2;
  if (parts[1] === 'UNKNOWN') return { status: 'done', header: { kind: 'local' }, length };
  if (parts.length !== 6) return fail('PROXY v1 line needs 6 fields');
  const [, proto, src, , sport] = parts as [string, string, string, string, string, string];
  const family = proto === 'TCP4' ? 'IPv4' : proto === 'TCP6' ? 'IPv6' : undefined;
  if (family === undefined) return fail(`PROXY v1 protocol '${proto}' is not TCP4, TCP6 or UNKNOWN`);
  if (!(family === 'IPv4' ? IPV4 : IPV6).test(src)) return fail(`PROXY v1 source '${src}' is not ${family}`);
  if (!PORT.test(sport) || Number(sport) > 65535) return fail(`PROXY v1 source port '${sport}' is invalid`);
  return { status: 'done', header: { kind: 'proxied', address: src, port: Number(sport), family }, length };
}

/** RFC 5952 text: lower-case hex, the longest run of two or more zero groups as '::', mapped IPv4 dotted. */
function ipv6Text(b: Buffer): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(b.readUInt16BE(i));
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff)
    return `::ffff:${[...b.subarray(12)].join('.')}`;
  let best = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

function parseV2(bytes: Buffer): ProxyParse {
  const verCmd = bytes[12]!;
  if (verCmd >> 4 !== 2) return fail('PROXY v2 version is not 2');
  const cmd = verCmd & 0x0f;
  if (cmd > 1) return fail('PROXY v2 command is neither LOCAL nor PROXY');
  const famProto = bytes[13]!;
  const bodyLength = bytes.readUInt16BE(14);
  if (bodyLength > V2_MAX_BODY) return fail(`PROXY v2 header longer than ${16 + V2_MAX_BODY} bytes`);
  const length = 16 + bodyLength;
  if (bytes.length < length) return need;
  // LOCAL: the balancer's own connection (health checks); the addresses, if any, are to be ignored.
  if (cmd === 0) return { status: 'done', header: { kind: 'local' }, length };
  const family = famProto >> 4;
  const body = bytes.subarray(16, length);
  if (family === 1) {
    if (bodyLength < 12) return fail('PROXY v2 IPv4 block too short');
    const address = [...body.subarray(0, 4)].join('.');
    return {
      status: 'done',
      header: { kind: 'proxied', address, port: body.readUInt16BE(8), family: 'IPv4' },
      length,
    };
  }
  if (family === 2) {
    if (bodyLength < 36) return fail('PROXY v2 IPv6 block too short');
    const address = ipv6Text(body.subarray(0, 16));
    return {
      status: 'done',
      header: { kind: 'proxied', address, port: body.readUInt16BE(32), family: 'IPv6' },
      length,
    };
  }
  // AF_UNSPEC or AF_UNIX: no IP address to report; treat as the balancer's own.
  return { status: 'done', header: { kind: 'local' }, length };
}
