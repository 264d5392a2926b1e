// The pure TypeScript capture reader on generated captures: every link type, pcap and pcapng, IPv4 and
// IPv6, reordering, retransmissions, one-sided captures, gaps, port reuse and damaged files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TcpConnection } from '../../src/capture/tcp-streams.js';
import { parseFixture } from '../../src/replay/fixture-parse.js';
import { CaptureDecoder, CaptureFormatError } from '../../src/replay/pcap.js';
import { ROOT } from '../replay/corpus-files.js';
import { capture, conversation, ipPacket, linkFrame, type Packet, pcapFile } from './capture-writer.js';

const trace = parseFixture(readFileSync(join(ROOT, 'fixtures/hixie-76/h76-2.trace'), 'utf8'));
const data = trace.segments.flatMap((s) =>
  s.kind === 'data' ? [{ dir: s.dir, kind: 'data' as const, bytes: s.bytes }] : [],
);
const expected = [...data, { dir: 'client', kind: 'end' }, { dir: 'server', kind: 'end' }];
const stream = (c: TcpConnection, dir: 'client' | 'server') =>
  Buffer.concat(c.pieces.flatMap((p) => (p.dir === dir && p.kind === 'data' ? [p.bytes] : [])));
const want = (dir: 'client' | 'server') =>
  Buffer.concat(data.filter((s) => s.dir === dir).map((s) => s.bytes));

function decode(file: Buffer, chunk = 4096): TcpConnection[] {
  const out: TcpConnection[] = [];
  const d = new CaptureDecoder((c) => out.push(c));
  for (let i = 0; i < file.length; i += chunk) d.push(file.subarray(i, i + chunk));
  d.end();
  return out;
}

describe('capture reader', () => {
  for (const linkType of [1, 0, 108, 101, 113, 276])
    for (const format of ['pcap', 'pcapng'] as const)
      for (const v6 of [false, true])
        it(`link type ${linkType}, ${format}, IPv${v6 ? 6 : 4}: the segments as sent`, () => {
          const conns = decode(capture(conversation(data), { linkType, format, endpoints: { v6 } }), 777);
          expect(conns).toHaveLength(1);
          const c = conns[0]!;
          expect(c.pieces).toEqual(expected);
          expect(c.gaps).toEqual([]);
          expect(c.client).toBe(v6 ? '::1 40000' : '10.0.0.1 40000');
          expect(c.server).toMatch(/ 8080$/);
        });

  it('reorders out-of-order segments and drops retransmissions, exact or overlapping', () => {
    const p = conversation(data);
    const i = p.findIndex((x) => x.data && x.dir === 'client');
    const first = p[i]!;
    // The request's second half first, then the first half twice, then an overlapping resend.
    const half = Math.floor(first.data!.length / 2);
    const a: Packet = { ...first, data: first.data!.subarray(0, half) };
    const b: Packet = { ...first, seq: first.seq + half, data: first.data!.subarray(half) };
    const overlap: Packet = {
      ...first,
      seq: first.seq + half - 3,
      data: first.data!.subarray(half - 3, half + 5),
    };
    const shuffled = [...p.slice(0, i), b, a, a, overlap, ...p.slice(i + 1)];
    const [c] = decode(capture(shuffled));
    expect(stream(c!, 'client')).toEqual(want('client'));
    expect(stream(c!, 'server')).toEqual(want('server'));
    expect(c!.gaps).toEqual([]);
  });

  it('one-sided capture without the SYN: the client is the side sending the request', () => {
    const onlyServer = conversation(data).filter((x) => x.dir === 'server' && !x.flags.includes('S'));
    const [s] = decode(capture(onlyServer));
    expect(stream(s!, 'client')).toHaveLength(0);
    expect(stream(s!, 'server')).toEqual(want('server'));
    expect(s!.server).toBe('10.0.0.2 8080');
    const onlyClient = conversation(data).filter((x) => x.dir === 'client' && !x.flags.includes('S'));
    const [c] = decode(capture(onlyClient));
    expect(stream(c!, 'client')).toEqual(want('client'));
    expect(c!.client).toBe('10.0.0.1 40000');
  });

  it('reports a lost segment as a gap and invents no bytes', () => {
    const p = conversation(data);
    const lost = p.findIndex((x) => x.data && x.dir === 'server');
    const [c] = decode(capture(p.filter((_, i) => i !== lost)));
    const missing = p[lost]!.data!;
    expect(c!.gaps).toEqual([{ dir: 'server', at: 0, length: missing.length }]);
    expect(stream(c!, 'server')).toEqual(want('server').subarray(missing.length));
    expect(c!.pieces.filter((x) => x.kind === 'end')).toHaveLength(2);
  });

  it('a new SYN on a closed 4-tuple is a new connection; the last ACK starts none', () => {
    const conns = decode(capture([...conversation(data), ...conversation(data)]));
    expect(conns.map((c) => c.index)).toEqual([0, 1]);
    for (const c of conns) expect(c.pieces).toEqual(expected);
  });

  it('reads big-endian pcap files', () => {
    const p = conversation(data);
    const [c] = decode(
      pcapFile(
        p.map((x) => linkFrame(1, ipPacket(x))),
        1,
        true,
      ),
    );
    expect(c!.pieces).toEqual(expected);
    // Frame i is stamped 1.7e9 + i seconds and i ms; the connection closes at the server's FIN.
    expect(c!.firstSeen).toBe(1_700_000_000_000);
    const fin = p.length - 2;
    expect(c!.lastSeen).toBe((1_700_000_000 + fin) * 1000 + fin);
  });

  it('a file cut mid-packet is a clear error naming the offset', () => {
    const file = capture(conversation(data));
    expect(() => decode(file.subarray(0, file.length - 10))).toThrow(CaptureFormatError);
    expect(() => decode(file.subarray(0, file.length - 10))).toThrow(
      /^the capture is truncated: \d+ bytes of an incomplete packet record at byte offset \d+$/,
    );
    const ng = capture(conversation(data), { format: 'pcapng' });
    expect(() => decode(ng.subarray(0, ng.length - 1))).toThrow(/truncated/);
  });

  it('the same connections and the same error offsets however the file is chunked', () => {
    const file = capture(conversation(data), { format: 'pcapng' });
    const whole = decode(file, file.length);
    for (const chunk of [1, 5, 63, 777, 70_000]) expect(decode(file, chunk)).toEqual(whole);
    const pcap = capture(conversation(data));
    // Corrupt the third record's length: the error names its offset whatever the chunk boundaries.
    const third =
      24 + (16 + pcap.readUInt32LE(24 + 8)) + (16 + pcap.readUInt32LE(24 + 16 + pcap.readUInt32LE(32) + 8));
    pcap.writeUInt32LE(0x7fffffff, third + 8);
    for (const chunk of [1, 7, 777, pcap.length])
      expect(() => decode(pcap, chunk)).toThrow(`corrupt at byte offset ${third}:`);
  });

  it('refuses what is not a capture, and corrupt lengths', () => {
    expect(() => decode(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toThrow(
      /not a pcap or pcapng capture \(magic 0x20544547/,
    );
    expect(() => decode(Buffer.alloc(0))).toThrow(/empty/);
    const file = capture(conversation(data));
    file.writeUInt32LE(0x7fffffff, 24 + 8); // the first record's captured length
    expect(() => decode(file)).toThrow(/corrupt at byte offset 24: a packet record claims 2147483647 bytes/);
  });
});
