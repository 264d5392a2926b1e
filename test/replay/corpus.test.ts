// The committed corpus replays green in-process in every split mode; corrupted copies fail with pointed diffs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_DRAFTS } from '../../src/core/types.js';
import { formatDifferences } from '../../src/replay/compare.js';
import type { Fixture, Segment } from '../../src/replay/fixture.js';
import { parseFixture } from '../../src/replay/fixture-parse.js';
import { serializeFixture } from '../../src/replay/fixture-write.js';
import { replayFixture, replayOnce } from '../../src/replay/replay.js';
import { runs } from '../support/fc-runs.js';
import { loadCorpus } from './corpus-files.js';

const corpus = loadCorpus();
const byFile = (suffix: string): Fixture => {
  const f = corpus.find((x) => x.file.endsWith(suffix));
  if (!f) throw new Error(`missing fixture ${suffix}`);
  return f;
};

/** A copy of `f` whose `index`-th segment of `dir` has one byte changed (through the text format). */
function corruptByte(f: Fixture, dir: 'client' | 'server', index: number, offset: number): Fixture {
  let seen = -1;
  const segments = f.segments.map((s): Segment => {
    if (s.kind !== 'data' || s.dir !== dir || ++seen !== index) return s;
    const bytes = Buffer.from(s.bytes);
    bytes[offset] = bytes[offset]! ^ 0x01;
    return { ...s, bytes };
  });
  return parseFixture(serializeFixture({ ...f, segments }), 'corrupt.trace');
}

describe('fixture corpus', () => {
  it('holds at least 10 traces per draft and 80 in all, each with its source', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(80);
    for (const d of ALL_DRAFTS) expect(corpus.filter((f) => f.draft === d).length).toBeGreaterThanOrEqual(10);
    for (const f of corpus) expect(f.source.length).toBeGreaterThan(20);
    // Real peers, not just constructed bytes: every draft has recorded traffic from software written by others.
    for (const d of ALL_DRAFTS)
      expect(
        corpus.some(
          (f) => f.draft === d && /ruby websocket gem|npm ws|Chromium|npm websocket/.test(f.source),
        ),
      ).toBe(true);
  });

  for (const f of corpus) {
    it(`${f.file} replays as recorded, whole, byte by byte and at random splits`, () => {
      const r = replayFixture(f);
      expect(r.ok, `${r.mode}\n${formatDifferences(r.differences)}`).toBe(true);
    });
  }

  it('gives the same events at any split (fast-check seeds over the whole corpus)', () => {
    const small = corpus.filter((f) => f.segments.every((s) => s.kind === 'end' || s.bytes.length < 4096));
    fc.assert(
      fc.property(fc.constantFrom(...small), fc.integer({ min: 3, max: 2 ** 31 }), (f, seed) => {
        expect(formatDifferences(replayOnce(f, { random: seed }))).toBe('');
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('a corrupted trace fails with a diff pointing at the byte or field', () => {
  it('a changed echo byte is located by segment and offset', () => {
    const f = corruptByte(byFile('rfc6455/ws-client-v13-echo.trace'), 'server', 1, 3);
    const r = replayFixture(f, ['segments']);
    expect(r.ok).toBe(false);
    const d = r.differences.find((x) => x.where.startsWith('server stream after the head'));
    expect(d?.where).toMatch(/byte 0x3 \(segment \d+ \+0x3, corrupt\.trace:\d+\)/);
    expect(d?.expected).toContain('[');
  });

  it('a changed Sec-WebSocket-Accept names the header', () => {
    const f = byFile('rfc6455/spec-hello-v13.trace');
    const response = f.segments.find((s) => s.dir === 'server' && s.kind === 'data')!;
    const at = (response as { bytes: Buffer }).bytes.indexOf('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(at).toBeGreaterThan(0);
    const r = replayFixture(corruptByte(f, 'server', 0, at), ['segments']);
    expect(r.differences.map((d) => d.where)).toContain('response head: header sec-websocket-accept');
  });

  it('a changed hixie-76 challenge answer is located in the 16 bytes after the head', () => {
    const f = byFile('hixie-76/h76-1-spec-example.trace');
    const first = f.segments.find((s) => s.dir === 'server' && s.kind === 'data') as { bytes: Buffer };
    const answerAt = first.bytes.indexOf("8jKS'y:G*Co,Wxa-");
    expect(answerAt).toBeGreaterThan(0);
    const r = replayFixture(corruptByte(f, 'server', 0, answerAt + 2), ['segments']);
    expect(r.ok).toBe(false);
    expect(r.differences.map((d) => d.where)).toEqual([
      expect.stringMatching(/^server stream after the head, byte 0x2 \(segment 2 \+0x/),
    ]);
  });

  it('a wrong expectation names the event', () => {
    const f = byFile('rfc6455/bad-unmasked-v13.trace');
    const wrong = { ...f, expectEvents: [{ type: 'fail' as const, fault: 'MASKED_FRAME', closeCode: 1002 }] };
    const r = replayFixture(wrong);
    expect(r.differences).toEqual([
      { where: 'event #1', expected: 'fail MASKED_FRAME 1002', actual: 'fail UNMASKED_FRAME 1002' },
    ]);
  });

  it('a corrupted client frame changes what our server reports', () => {
    const f = byFile('hybi-10/spec-hello-v8.trace');
    const r = replayFixture(corruptByte(f, 'client', 1, 6));
    expect(r.ok).toBe(false);
    expect(r.differences.some((d) => d.where === 'event #1')).toBe(true);
  });
});
