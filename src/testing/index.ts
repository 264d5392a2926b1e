// `wscompat/testing`: replay captured traces against your own server from your own test runner.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { formatDifferences } from '../replay/compare.js';
import type { Fixture } from '../replay/fixture.js';
import { parseFixture } from '../replay/fixture-parse.js';
import type { LiveTarget } from '../replay/live-replay.js';
import { liveSkipReason } from '../replay/live-replay.js';
import {
  type RunTracesOptions,
  runTrace,
  runTraces,
  type TraceResult,
  traceFiles,
} from '../replay/run-traces.js';

export type { SplitMode } from '../replay/chunking.js';
export type { Difference } from '../replay/compare.js';
export type { LiveOptions, LiveTarget } from '../replay/live-replay.js';
export type { TraceResult, TraceStatus } from '../replay/run-traces.js';
export { traceFiles };

export type ReplayOptions = Omit<RunTracesOptions, 'onResult'>;

/** Replay every trace under `paths` (files or directories) and return one structured result per trace. */
export function replayFixtures(
  paths: string | readonly string[],
  options: ReplayOptions = {},
): Promise<TraceResult[]> {
  return runTraces(traceFiles(typeof paths === 'string' ? [paths] : paths), options);
}

/** A failed trace as a test failure: the message is the readable diff; `expected`/`actual` feed runners' diff views. */
export class TraceMismatch extends Error {
  override name = 'TraceMismatch';
  readonly expected: string;
  readonly actual: string;
  constructor(readonly result: TraceResult) {
    const mode = result.mode ? ` (${result.mode})` : '';
    super(`trace ${result.file} failed${mode}:\n${formatDifferences(result.differences)}`);
    this.expected = result.differences.map((d) => `${d.where}: ${d.expected}`).join('\n');
    this.actual = result.differences.map((d) => `${d.where}: ${d.actual}`).join('\n');
  }
}

/** Throws a TraceMismatch unless the trace passed (or was skipped). */
export function assertTracePassed(result: TraceResult): void {
  if (result.status === 'failed') throw new TraceMismatch(result);
}

/** The target may be a function: servers started in a `beforeAll` only know their port once tests run. */
export interface TestOptions extends Omit<ReplayOptions, 'target' | 'concurrency'> {
  readonly target?: string | LiveTarget | (() => string | LiveTarget);
  /** Per-test timeout handed to the runner (default 20 s). */
  readonly timeoutMs?: number;
  /** Test names are trace paths relative to this directory (default: the working directory). */
  readonly root?: string;
}

/** What every runner's `test`/`it` accepts: a name and an async body, plus an optional `skip` variant. */
export interface TestFunction {
  (name: string, ...rest: never[]): unknown;
  skip?: (name: string, ...rest: never[]) => unknown;
}

type Register = (test: TestFunction, name: string, body: () => Promise<void>, timeoutMs: number) => void;

function live(options: TestOptions): boolean {
  return options.target !== undefined;
}

/** Parse up front so filtered-out and unreplayable traces register as skipped tests. */
function skipped(file: string, options: TestOptions): boolean {
  let f: Fixture;
  try {
    f = parseFixture(readFileSync(file, 'utf8'), file);
  } catch {
    return false; // reported as a failing test with the parse error
  }
  return (
    (options.filter !== undefined && !options.filter(f)) ||
    (live(options) && liveSkipReason(f, options.targetCompression) !== undefined)
  );
}

function registerAll(
  register: Register,
  test: TestFunction,
  paths: string | readonly string[],
  options: TestOptions,
) {
  const files = traceFiles(typeof paths === 'string' ? [paths] : paths);
  const timeoutMs = options.timeoutMs ?? 20_000;
  for (const file of files) {
    const name = relative(options.root ?? process.cwd(), file);
    const body = async () => {
      const t = typeof options.target === 'function' ? options.target() : options.target;
      const { target: _t, timeoutMs: _ms, root: _r, ...rest } = options;
      assertTracePassed(await runTrace(file, { ...rest, ...(t === undefined ? {} : { target: t }) }));
    };
    if (skipped(file, options) && test.skip) register(test.skip as TestFunction, name, body, timeoutMs);
    else register(test, name, body, timeoutMs);
  }
  return files.length;
}

type Call = (name: string, a: unknown, b?: unknown) => unknown;

/** vitest and jest both take the timeout as the third argument of `it`/`test`. */
const timeoutLast: Register = (t, name, body, ms) => (t as unknown as Call)(name, body, ms);

/** vitest: `vitestReplay(it, 'fixtures', { target: () => url })` registers one `it` per trace; returns the count. */
export function vitestReplay(
  it: TestFunction,
  paths: string | readonly string[],
  options: TestOptions = {},
): number {
  return registerAll(timeoutLast, it, paths, options);
}

/** jest: `jestReplay(test, 'fixtures', { target })`: one `test` per trace. */
export function jestReplay(
  test: TestFunction,
  paths: string | readonly string[],
  options: TestOptions = {},
): number {
  return registerAll(timeoutLast, test, paths, options);
}

/** node:test: `nodeTestReplay(test, 'fixtures', { target })`: one `test(name, { timeout }, fn)` per trace. */
export function nodeTestReplay(
  test: TestFunction,
  paths: string | readonly string[],
  options: TestOptions = {},
): number {
  return registerAll(
    (t, name, body, ms) => (t as unknown as Call)(name, { timeout: ms }, body),
    test,
    paths,
    options,
  );
}
