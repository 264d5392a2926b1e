// Runs many trace files (in-process or against a live server) with bounded concurrency: shared by the
// `replay` command and `wscompat/testing`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DraftId } from '../core/types.js';
import type { SplitMode } from './chunking.js';
import type { Difference } from './compare.js';
import type { Fixture } from './fixture.js';
import { parseFixture } from './fixture-parse.js';
import {
  type LiveOptions,
  type LiveTarget,
  liveSkipReason,
  parseTarget,
  replayLive,
  type TargetCompression,
} from './live-replay.js';
import { replayFixture } from './replay.js';

export type TraceStatus = 'passed' | 'failed' | 'skipped';

/** One trace's verdict: the first difference is `differences[0]` (with `offset` for byte mismatches). */
export interface TraceResult {
  readonly file: string;
  /** Undefined when the file is not a valid trace. */
  readonly draft: DraftId | undefined;
  readonly status: TraceStatus;
  /** The split mode that failed (in-process), or `live`. */
  readonly mode?: string;
  readonly differences: readonly Difference[];
  /** Why a trace was skipped. */
  readonly reason?: string;
  readonly durationMs: number;
}

export interface RunTracesOptions {
  /** A live server (`ws://` or `wss://` URL) instead of the in-process implementation. */
  readonly target?: string | LiveTarget;
  /** Socket options for live replays (gaps, timeouts, TLS trust). */
  readonly live?: LiveOptions;
  /**
   * The live target's perMessageDeflate option (default: off, as `wscompat serve`): traces whose client offers
   * compression are replayed only when they were recorded against a server with this option.
   */
  readonly targetCompression?: TargetCompression;
  /** Traces replayed at once (default 1 in-process, 4 live). */
  readonly concurrency?: number;
  /** In-process split modes (default: as recorded, whole, byte by byte, two random seeds). */
  readonly split?: readonly SplitMode[];
  /** Traces for which this returns false are reported as skipped. */
  readonly filter?: (fixture: Fixture) => boolean;
  /** Called after each trace, in completion order. */
  readonly onResult?: (result: TraceResult, done: number, total: number) => void;
}

/** Most concurrent replays; each live one holds a socket and its timers. */
export const MAX_CONCURRENCY = 64;

/** Names a directory walk keeps: `*.trace`, `record --count` output (`FILE-1`...), extensionless files. */
export function isTraceName(name: string): boolean {
  return name.endsWith('.trace') || /\.trace-\d+$/.test(name) || !name.includes('.');
}

/** Trace files under `paths` (files as given, directories walked in name order). Throws on a missing path. */
export function traceFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let dir: boolean;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      throw new Error(`no such file or directory: ${p}`);
    }
    if (!dir) out.push(p);
    else {
      const names = readdirSync(p)
        .filter((n) => !n.startsWith('.'))
        .sort();
      const kept = names.filter((n) => isTraceName(n) || statSync(join(p, n)).isDirectory());
      out.push(...traceFiles(kept.map((n) => join(p, n))));
    }
  }
  return out;
}

function resolveTarget(target: RunTracesOptions['target']): LiveTarget | undefined {
  return typeof target === 'string' ? parseTarget(target) : target;
}

/** Replay one trace file; never throws (a broken file or an unreachable server is a failed trace). */
export async function runTrace(file: string, options: RunTracesOptions = {}): Promise<TraceResult> {
  const started = performance.now();
  let fixture: Fixture;
  try {
    fixture = parseFixture(readFileSync(file, 'utf8'), file);
  } catch (err) {
    const actual = (err as Error).message;
    return {
      file,
      draft: undefined,
      status: 'failed',
      differences: [{ where: 'fixture', expected: 'a valid trace', actual }],
      durationMs: Math.round(performance.now() - started),
    };
  }
  if (options.filter && !options.filter(fixture))
    return {
      file,
      draft: fixture.draft,
      status: 'skipped',
      differences: [],
      reason: 'filtered out',
      durationMs: 0,
    };
  return runFixture(fixture, file, options);
}

/** Replay a parsed trace (in-process, or live with `options.target`), reported under `label`. */
export async function runFixture(
  fixture: Fixture,
  label: string,
  options: RunTracesOptions = {},
): Promise<TraceResult> {
  const started = performance.now();
  const target = resolveTarget(options.target);
  const finish = (r: Omit<TraceResult, 'durationMs' | 'file' | 'draft'>): TraceResult => ({
    file: label,
    draft: fixture.draft,
    ...r,
    durationMs: Math.round(performance.now() - started),
  });
  if (!target) {
    const r = replayFixture(fixture, options.split);
    const mode = r.mode ? { mode: r.mode } : {};
    return finish({ status: r.ok ? 'passed' : 'failed', ...mode, differences: r.differences });
  }
  const reason = liveSkipReason(fixture, options.targetCompression);
  if (reason !== undefined) return finish({ status: 'skipped', differences: [], reason });
  try {
    const differences = await replayLive(fixture, target, options.live);
    return finish({ status: differences.length === 0 ? 'passed' : 'failed', mode: 'live', differences });
  } catch (err) {
    const actual = (err as Error).message;
    return finish({
      status: 'failed',
      mode: 'live',
      differences: [{ where: 'connection', expected: 'connected', actual }],
    });
  }
}

/** Run `jobs` with at most `concurrency` at once; results in job order. */
export async function runJobs(
  jobs: readonly (() => Promise<TraceResult>)[],
  concurrency: number,
  onResult?: RunTracesOptions['onResult'],
): Promise<TraceResult[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY)
    throw new RangeError(`concurrency must be an integer 1..${MAX_CONCURRENCY}, got ${concurrency}`);
  const results: TraceResult[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
      onResult?.(results[i]!, ++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, jobs.length)) }, worker));
  return results;
}

/** Replay every file, `concurrency` at a time; results in the order of `files`. */
export function runTraces(files: readonly string[], options: RunTracesOptions = {}): Promise<TraceResult[]> {
  const target = resolveTarget(options.target);
  const opts = { ...options, ...(target ? { target } : {}) };
  const jobs = files.map((file) => () => runTrace(file, opts));
  return runJobs(jobs, options.concurrency ?? (target ? 4 : 1), options.onResult);
}
