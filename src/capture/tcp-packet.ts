// From a captured frame to its TCP segment: link layer (Ethernet, Linux cooked SLL/SLL2, loopback/null,
// raw IP), then IPv4 or IPv6, then TCP. Anything else is not ours and yields undefined. Sans-I/O.

export interface TcpSegment {
  /** "address port" of each end, e.g. "127.0.0.1 8080" or "::1 443". */
  readonly src: string;
  readonly dst: string;
  readonly seq: number;
  readonly syn: boolean;
  readonly ack: boolean;
  readonly fin: boolean;
  readonly rst: boolean;
  /** A view into the frame: copy what you keep. */
  readonly payload: Uint8Array;
}

/** Why a frame was not a TCP segment we can use (counted, never fatal). */
export type NotTcp = 'link' | 'network' | 'fragment' | 'transport' | 'short';

const be16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const be32 = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;

/**
 * Where the IP packet starts inside a frame of `linkType` (tcpdump.org link-layer header types), or why
 * there is none. An offset, not a view: a capture has millions of packets, and views cost allocations.
 */
function ipStart(linkType: number, b: Uint8Array): number | NotTcp {
  switch (linkType) {
    case 0: // NULL: address family in the capturing host's byte order
    case 108: {
      // LOOP: the same in network byte order
      if (b.length < 4) return 'short';
      const family = linkType === 108 ? be32(b, 0) : b[0] !== 0 ? b[0]! : be32(b, 0);
      // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
      return family === 2 || family === 10 || family === 24 || family === 28 || family === 30 ? 4 : 'network';
    }
    case 1: {
      // Ethernet II, with any number of 802.1Q / 802.1ad tags.
      let at = 12;
      while (b.length >= at + 2 && (be16(b, at) === 0x8100 || be16(b, at) === 0x88a8)) at += 4;
      if (b.length < at + 2) return 'short';
      const type = be16(b, at);
      return type === ETH_IPV4 || type === ETH_IPV6 ? at + 2 : 'network';
    }
    case 113: {
      // Linux cooked v1: 16-byte header, protocol at 14.
      if (b.length < 16) return 'short';
      const type = be16(b, 14);
      return type === ETH_IPV4 || type === ETH_IPV6 ? 16 : 'network';
    }
    case 276: {
      // Linux cooked v2: 20-byte header, protocol at 0.
      if (b.length < 20) return 'short';
      const type = be16(b, 0);
      return type === ETH_IPV4 || type === ETH_IPV6 ? 20 : 'network';
    }
    case 12: // raw IP on some BSDs
    case 14:
    case 101: // RAW
    case 228: // IPV4
    case 229: // IPV6
      return 0;
    default:
      return 'link';
  }
}

function ipv4Text(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** RFC 5952 short form is not needed: the text only has to name the same address the same way. */
function ipv6Text(b: Uint8Array, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(be16(b, at + i).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** IPv6 extension headers we step over to reach TCP (RFC 8200 §4). */
const IPV6_SKIPPABLE = new Set([0, 43, 60]);

export function tcpSegment(linkType: number, b: Uint8Array): TcpSegment | NotTcp {
  const ip = ipStart(linkType, b);
  if (typeof ip === 'string') return ip;
  // Offsets into the frame from here on: the IP header at `ip`, TCP from `tcp` to `end`.
  if (b.length - ip < 1) return 'short';
  let src: string;
  let dst: string;
  let tcp: number;
  let end: number;
  const version = b[ip]! >> 4;
  if (version === 4) {
    if (b.length - ip < 20) return 'short';
    const ihl = (b[ip]! & 0x0f) * 4;
    const total = be16(b, ip + 2);
    if ((be16(b, ip + 6) & 0x3fff) !== 0) return 'fragment'; // MF set or a non-zero offset
    if (b[ip + 9] !== 6) return 'transport';
    // total 0 appears in captures of TSO-offloaded segments: trust the captured length then.
    end = total === 0 ? b.length : Math.min(ip + total, b.length);
    tcp = ip + ihl;
    src = ipv4Text(b, ip + 12);
    dst = ipv4Text(b, ip + 16);
  } else if (version === 6) {
    if (b.length - ip < 40) return 'short';
    let next = b[ip + 6]!;
    let at = ip + 40;
    while (IPV6_SKIPPABLE.has(next)) {
      if (b.length < at + 8) return 'short';
      next = b[at]!;
      at += (b[at + 1]! + 1) * 8;
    }
    if (next === 44) return 'fragment';
    if (next !== 6) return 'transport';
    const payloadLen = be16(b, ip + 4);
    tcp = at;
    end = payloadLen === 0 ? b.length : Math.min(b.length, ip + 40 + payloadLen);
    src = ipv6Text(b, ip + 8);
    dst = ipv6Text(b, ip + 24);
  } else return 'network';
  if (end - tcp < 20) return 'short';
  const dataOffset = (b[tcp + 12]! >> 4) * 4;
  if (dataOffset < 20 || dataOffset > end - tcp) return 'short';
  const flags = b[tcp + 13]!;
  return {
    src: `${src} ${be16(b, tcp)}`,
    dst: `${dst} ${be16(b, tcp + 2)}`,
    seq: be32(b, tcp + 4),
    fin: (flags & 0x01) !== 0,
    syn: (flags & 0x02) !== 0,
    rst: (flags & 0x04) !== 0,
    ack: (flags & 0x10) !== 0,
    payload: b.subarray(tcp + dataOffset, end),
  };
}
