// Generated captures with reordered and retransmitted segments, read by us and by tshark: the same bytes
// per direction, and a file cut mid-packet refused by both.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFixture } from '../../src/replay/fixture-parse.js';
import { CaptureFormatError, tcpConnections } from '../../src/replay/pcap.js';
import type { RecordedSegment } from '../../src/replay/recorder.js';
import { ROOT } from '../replay/corpus-files.js';
import { capture, conversation, type Packet } from './capture-writer.js';
import { have, tsharkReadError, tsharkStreams } from './tshark.js';

const dir = mkdtempSync(join(tmpdir(), 'wscompat-crosscheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dataOf = (name: string) =>
  parseFixture(readFileSync(join(ROOT, 'fixtures', name), 'utf8')).segments.flatMap((s) =>
    s.kind === 'data' ? [{ dir: s.dir, kind: 'data' as const, bytes: s.bytes }] : [],
  );
const joined = (segs: readonly RecordedSegment[], dir: 'client' | 'server') =>
  Buffer.concat(segs.flatMap((s) => (s.dir === dir && s.kind === 'data' ? [s.bytes] : []))).toString('hex');

/** Every data packet of each side after the first is swapped with its predecessor, and sent twice. */
function mangle(packets: Packet[]): Packet[] {
  const out = [...packets];
  for (let i = out.length - 2; i > 3; i--)
    if (out[i]!.data && out[i - 1]!.data && out[i]!.dir === out[i - 1]!.dir)
      [out[i], out[i - 1]] = [out[i - 1]!, out[i]!];
  return out.flatMap((p) => (p.data ? [p, p] : [p]));
}

describe.skipIf(!have('tshark'))('our reassembly against tshark (skipped: tshark absent)', () => {
  it('reordered and retransmitted segments: the same streams, connection by connection', {
    timeout: 60_000,
  }, async () => {
    const traces = [
      'rfc6455/spec-fragments-ping-v13.trace',
      'hixie-76/h76-2.trace',
      'hybi-07/spec-binary-256-64k-v7.trace',
    ];
    // One capture per connection; the second over IPv6.
    const files = traces.map((t, i) =>
      capture(mangle(conversation(dataOf(t))), { format: 'pcapng', endpoints: { v6: i === 1 } }),
    );
    for (const [i, bytes] of files.entries()) {
      const file = join(dir, `mangled-${i}.pcapng`);
      writeFileSync(file, bytes);
      const ours = await tcpConnections(file);
      const theirs = await tsharkStreams(file);
      expect(ours).toHaveLength(1);
      expect(theirs).toHaveLength(1);
      expect(ours[0]!.gaps).toEqual([]);
      for (const d of ['client', 'server'] as const) {
        expect(joined(ours[0]!.pieces, d), `${traces[i]} ${d}`).toBe(joined(theirs[0]!, d));
        expect(joined(ours[0]!.pieces, d)).toBe(joined(dataOf(traces[i]!), d));
      }
    }
  });

  it('a file truncated mid-packet: tshark and we both refuse it, we say where', async () => {
    const whole = capture(conversation(dataOf('hixie-76/h76-2.trace')));
    const file = join(dir, 'cut.pcap');
    writeFileSync(file, whole.subarray(0, whole.length - 7));
    expect(await tsharkReadError(file)).toMatch(/cut short in the middle of a packet/);
    const err = await tcpConnections(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureFormatError);
    expect((err as Error).message).toMatch(
      /^the capture is truncated: \d+ bytes of an incomplete packet record at byte offset \d+$/,
    );
  });
});
