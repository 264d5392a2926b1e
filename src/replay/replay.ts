// Replays one fixture in-process in every split mode and compares the outcome with the trace.
import { getDraft } from '../drafts.js';
import { DEFAULT_MODES, modeName, type SplitMode, splitChunks } from './chunking.js';
import { withoutCloseReasons } from './close-normalize.js';
import { compareBytes, compareEvents, compareHeads, type Difference, headLength } from './compare.js';
import type { Direction, Fixture } from './fixture.js';
import type { Outcome } from './outcome.js';
import { playClient } from './play-client.js';
import { playServer } from './play-server.js';

export interface ReplayReport {
  readonly file: string;
  readonly ok: boolean;
  /** The first failing mode's differences (all modes usually fail alike). */
  readonly mode: string | undefined;
  readonly differences: readonly Difference[];
}

function segmentsOf(f: Fixture, dir: Direction): Buffer[] {
  return f.segments.flatMap((s) => (s.dir === dir && s.kind === 'data' ? [s.bytes] : []));
}

/** "segment 3 +0x05, line 40" for an offset into the concatenated stream of `dir`. */
export function locator(f: Fixture, dir: Direction): (offset: number) => string {
  return (offset) => {
    let at = 0;
    let index = 0;
    for (const s of f.segments) {
      if (s.kind !== 'data') continue;
      index++;
      if (s.dir !== dir) continue;
      if (offset < at + s.bytes.length)
        return `segment ${index} +0x${(offset - at).toString(16)}, ${f.file}:${s.line + 1 + Math.floor((offset - at) / 16)}`;
      at += s.bytes.length;
    }
    return 'past the recorded end';
  };
}

/** Compare what the side under test did with what the trace recorded. Shared by live replays. */
export function compareOutcome(
  f: Fixture,
  o: Outcome,
  recorded: Buffer,
  dir: Direction,
  compareStream = true,
): Difference[] {
  const diffs: Difference[] = [];
  if (o.status !== f.expectStatus)
    diffs.push({
      where: 'HTTP status',
      expected: String(f.expectStatus),
      actual: String(o.status ?? 'none'),
    });
  const kind = dir === 'server' ? 'response' : 'request';
  const refused = f.expectStatus !== 101;
  diffs.push(...expectedHeaders(f, o.output, kind));
  if (!(refused && f.role === 'server')) {
    const eh = headLength(recorded, kind);
    const ah = headLength(o.output, kind);
    if (eh < 0)
      diffs.push({ where: `recorded ${kind} head`, expected: 'complete', actual: 'the trace is damaged' });
    else {
      diffs.push(...compareHeads(recorded.subarray(0, eh), o.output, kind, f.varyHeaders));
      // Hixie-75 clients compare the first 85 bytes of the answer exactly (drafts.md §1).
      if (f.draft === 'hixie-75' && kind === 'response') {
        const d = compareBytes('hixie-75 85-byte prefix', recorded.subarray(0, 85), o.output.subarray(0, 85));
        if (d) diffs.push(d);
      }
      if (ah >= 0 && compareStream && f.stream === 'compare' && !(refused && f.role === 'client')) {
        const d = compareStreams(f, dir, recorded.subarray(eh), o.output.subarray(ah), eh);
        if (d) diffs.push(d);
      }
    }
  }
  diffs.push(...compareEvents(f.expectEvents, o.events));
  return diffs;
}

/** Each `expect-header` must be in the produced head, whatever else the trace recorded. */
function expectedHeaders(f: Fixture, output: Buffer, kind: 'request' | 'response'): Difference[] {
  const head = headLength(output, kind);
  const text = head < 0 ? '' : output.toString('latin1', 0, head).toLowerCase();
  return f.expectHeaders.flatMap(([name, value]) =>
    text.includes(`\r\n${name.toLowerCase()}: ${value.toLowerCase()}\r\n`)
      ? []
      : [
          {
            where: `${kind} head: expected header ${name}`,
            expected: `${name}: ${value}`,
            actual: '(absent or different)',
          },
        ],
  );
}

/** Bytes after the head, exactly; hybi close frames from a server by code only (RFC 6455 §5.5.1). */
function compareStreams(f: Fixture, dir: Direction, recorded: Buffer, produced: Buffer, headBytes: number) {
  const at = locator(f, dir);
  const d = compareBytes(`${dir} stream after the head,`, recorded, produced, (off) => at(off + headBytes));
  if (!d || f.draft === 'hixie-75' || f.draft === 'hixie-76' || dir !== 'server') return d;
  return compareBytes('server stream', withoutCloseReasons(recorded), withoutCloseReasons(produced))
    ? d
    : undefined;
}

/** One in-process run of `f` with the peer's bytes cut by `mode`. */
export function replayOnce(f: Fixture, mode: SplitMode): Difference[] {
  // Loading the draft up front turns an unknown draft into one clear failure rather than a throw mid-replay.
  getDraft(f.draft);
  const peer: Direction = f.role === 'server' ? 'client' : 'server';
  const chunks = splitChunks(segmentsOf(f, peer), mode);
  const ended = f.segments.some((s) => s.dir === peer && s.kind === 'end');
  const outcome = f.role === 'server' ? playServer(f, chunks, ended) : playClient(f, chunks, ended);
  const own: Direction = f.role;
  // Only the recorded boundaries reproduce when the application saw each message: when a message and a
  // close share one chunk, the close echo goes out before the app can answer. Events must match in every mode.
  return compareOutcome(f, outcome, Buffer.concat(segmentsOf(f, own)), own, mode === 'segments');
}

export function replayFixture(f: Fixture, modes: readonly SplitMode[] = DEFAULT_MODES): ReplayReport {
  for (const mode of modes) {
    let differences: Difference[];
    try {
      differences = replayOnce(f, mode);
    } catch (err) {
      differences = [
        {
          where: 'replay',
          expected: 'no exception',
          actual: err instanceof Error ? err.message : String(err),
        },
      ];
    }
    if (differences.length > 0) return { file: f.file, ok: false, mode: modeName(mode), differences };
  }
  return { file: f.file, ok: true, mode: undefined, differences: [] };
}
