// Writes a classic pcap (LINKTYPE_RAW, IPv4/TCP) of recorded segments, for import-pcap tests without capture rights.
import type { RecordedSegment } from '../../src/replay/recorder.js';

function ipv4Tcp(src: number, dst: number, seq: number, ack: number, flags: number, payload: Buffer): Buffer {
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(src, 0);
  tcp.writeUInt16BE(dst, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  tcp.writeUInt16BE(65535, 14);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from([127, 0, 0, 1]).copy(ip, 12);
  Buffer.from([127, 0, 0, 1]).copy(ip, 16);
  return Buffer.concat([ip, tcp, payload]);
}

/** One TCP connection (client port 40000 -> server 8080) with handshake, the segments, and both FINs. */
export function pcapOf(segments: readonly RecordedSegment[]): Buffer {
  const packets: Buffer[] = [];
  let cseq = 1000;
  let sseq = 5000;
  const SYN = 0x02;
  const ACK = 0x10;
  const PSH = 0x08;
  const FIN = 0x01;
  packets.push(ipv4Tcp(40000, 8080, cseq++, 0, SYN, Buffer.alloc(0)));
  packets.push(ipv4Tcp(8080, 40000, sseq++, cseq, SYN | ACK, Buffer.alloc(0)));
  packets.push(ipv4Tcp(40000, 8080, cseq, sseq, ACK, Buffer.alloc(0)));
  for (const s of segments) {
    if (s.kind !== 'data') continue;
    if (s.dir === 'client') {
      packets.push(ipv4Tcp(40000, 8080, cseq, sseq, PSH | ACK, s.bytes));
      cseq += s.bytes.length;
    } else {
      packets.push(ipv4Tcp(8080, 40000, sseq, cseq, PSH | ACK, s.bytes));
      sseq += s.bytes.length;
    }
  }
  packets.push(ipv4Tcp(40000, 8080, cseq, sseq, FIN | ACK, Buffer.alloc(0)));
  packets.push(ipv4Tcp(8080, 40000, sseq, cseq + 1, FIN | ACK, Buffer.alloc(0)));
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(101, 20);
  const records = packets.map((p, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(p.length, 8);
    rec.writeUInt32LE(p.length, 12);
    return Buffer.concat([rec, p]);
  });
  return Buffer.concat([header, ...records]);
}
