// Builds pcap / pcapng files of TCP conversations for the capture reader tests: any link type, IPv4 or
// IPv6, and packet lists that tests reorder, duplicate or cut.
import type { RecordedSegment } from '../../src/replay/recorder.js';

export interface Packet {
  readonly dir: 'client' | 'server';
  /** Sequence number relative to that side's ISN (the SYN is 0, the first data byte 1). */
  readonly seq: number;
  readonly flags: string; // letters of S A F R P
  readonly data?: Buffer;
}

export interface Endpoints {
  readonly v6?: boolean;
  readonly clientPort?: number;
  readonly serverPort?: number;
}

const ISN = { client: 0xfffffff0, server: 1_000_000 }; // the client's wraps around 2^32 on purpose

const MSS = 1448;

/** SYN, SYN-ACK, ACK, every data segment in order, both FINs and the last ACK. */
export function conversation(segments: readonly RecordedSegment[]): Packet[] {
  const next = { client: 1, server: 1 };
  const out: Packet[] = [
    { dir: 'client', seq: 0, flags: 'S' },
    { dir: 'server', seq: 0, flags: 'SA' },
    { dir: 'client', seq: 1, flags: 'A' },
  ];
  for (const s of segments) {
    if (s.kind !== 'data') continue;
    // Larger writes leave as several MSS-sized segments, as they would on a wire.
    for (let at = 0; at < s.bytes.length; at += MSS) {
      const data = s.bytes.subarray(at, at + MSS);
      out.push({ dir: s.dir, seq: next[s.dir], flags: 'PA', data });
      next[s.dir] += data.length;
    }
  }
  out.push({ dir: 'client', seq: next.client, flags: 'FA' });
  out.push({ dir: 'server', seq: next.server, flags: 'FA' });
  out.push({ dir: 'client', seq: next.client + 1, flags: 'A' });
  return out;
}

function tcp(p: Packet, e: Endpoints): Buffer {
  const h = Buffer.alloc(20);
  const [src, dst] =
    p.dir === 'client'
      ? [e.clientPort ?? 40000, e.serverPort ?? 8080]
      : [e.serverPort ?? 8080, e.clientPort ?? 40000];
  h.writeUInt16BE(src, 0);
  h.writeUInt16BE(dst, 2);
  h.writeUInt32BE((ISN[p.dir] + p.seq) >>> 0, 4);
  h.writeUInt32BE(0, 8);
  h[12] = 5 << 4;
  const bits: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16 };
  h[13] = [...p.flags].reduce((f, c) => f | (bits[c] ?? 0), 0);
  h.writeUInt16BE(65535, 14);
  return Buffer.concat([h, p.data ?? Buffer.alloc(0)]);
}

/** The IP packet (v4 or v6) carrying `p`. */
export function ipPacket(p: Packet, e: Endpoints = {}): Buffer {
  const seg = tcp(p, e);
  if (e.v6) {
    const ip = Buffer.alloc(40);
    ip[0] = 0x60;
    ip.writeUInt16BE(seg.length, 4);
    ip[6] = 6;
    ip[7] = 64;
    ip[23] = p.dir === 'client' ? 1 : 2; // ::1 and ::2
    ip[39] = p.dir === 'client' ? 2 : 1;
    return Buffer.concat([ip, seg]);
  }
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + seg.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from(p.dir === 'client' ? [10, 0, 0, 1, 10, 0, 0, 2] : [10, 0, 0, 2, 10, 0, 0, 1]).copy(ip, 12);
  return Buffer.concat([ip, seg]);
}

/** Wrap an IP packet in the link layer `linkType` (1 Ethernet, 0 null, 108 loop, 101 raw, 113 SLL, 276 SLL2). */
export function linkFrame(linkType: number, ip: Buffer): Buffer {
  const v6 = ip[0]! >> 4 === 6;
  const proto = v6 ? 0x86dd : 0x0800;
  switch (linkType) {
    case 1: {
      const h = Buffer.alloc(14);
      h.writeUInt16BE(proto, 12);
      return Buffer.concat([h, ip]);
    }
    case 0:
      return Buffer.concat([Buffer.from([v6 ? 10 : 2, 0, 0, 0]), ip]); // little-endian host
    case 108:
      return Buffer.concat([Buffer.from([0, 0, 0, v6 ? 24 : 2]), ip]);
    case 113: {
      const h = Buffer.alloc(16);
      h.writeUInt16BE(proto, 14);
      return Buffer.concat([h, ip]);
    }
    case 276: {
      const h = Buffer.alloc(20);
      h.writeUInt16BE(proto, 0);
      return Buffer.concat([h, ip]);
    }
    default:
      return ip;
  }
}

export function pcapFile(frames: readonly Buffer[], linkType: number, bigEndian = false): Buffer {
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    bigEndian ? b.writeUInt32BE(v >>> 0) : b.writeUInt32LE(v >>> 0);
    return b;
  };
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    bigEndian ? b.writeUInt16BE(v) : b.writeUInt16LE(v);
    return b;
  };
  const parts: Buffer[] = [u32(0xa1b2c3d4), u16(2), u16(4), u32(0), u32(0), u32(262144), u32(linkType)];
  for (const [i, f] of frames.entries())
    parts.push(u32(1_700_000_000 + i), u32(i * 1000), u32(f.length), u32(f.length), f);
  return Buffer.concat(parts);
}

function block(type: number, body: Buffer): Buffer {
  const pad = Buffer.alloc((4 - (body.length % 4)) % 4);
  const len = 12 + body.length + pad.length;
  const h = Buffer.alloc(8);
  h.writeUInt32LE(type, 0);
  h.writeUInt32LE(len, 4);
  const t = Buffer.alloc(4);
  t.writeUInt32LE(len);
  return Buffer.concat([h, body, pad, t]);
}

/** pcapng: a section header, one interface (nanosecond timestamps), one enhanced packet block per frame. */
export function pcapngFile(frames: readonly Buffer[], linkType: number): Buffer {
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeInt32LE(-1, 8);
  shb.writeInt32LE(-1, 12);
  const idb = Buffer.alloc(16);
  idb.writeUInt16LE(linkType, 0);
  idb.writeUInt32LE(262144, 4);
  idb.writeUInt16LE(9, 8); // if_tsresol
  idb.writeUInt16LE(1, 10);
  idb[12] = 9; // 10^-9
  const parts = [block(0x0a0d0d0a, shb), block(1, idb)];
  frames.forEach((f, i) => {
    const h = Buffer.alloc(20);
    const ns = BigInt(1_700_000_000 + i) * 1_000_000_000n;
    h.writeUInt32LE(0, 0);
    h.writeUInt32LE(Number(ns >> 32n), 4);
    h.writeUInt32LE(Number(ns & 0xffffffffn), 8);
    h.writeUInt32LE(f.length, 12);
    h.writeUInt32LE(f.length, 16);
    parts.push(block(6, Buffer.concat([h, f])));
  });
  return Buffer.concat(parts);
}

/** A whole capture of `packets` in one call. */
export function capture(
  packets: readonly Packet[],
  o: { linkType?: number; format?: 'pcap' | 'pcapng'; endpoints?: Endpoints } = {},
): Buffer {
  const link = o.linkType ?? 1;
  const frames = packets.map((p) => linkFrame(link, ipPacket(p, o.endpoints)));
  return o.format === 'pcapng' ? pcapngFile(frames, link) : pcapFile(frames, link);
}
