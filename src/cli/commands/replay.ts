// `wscompat replay`: replay fixture traces in-process (every split mode) or against a live server.
import { readFile, writeFile } from 'node:fs/promises';
import { resolveCompression } from '../../node/compression-options.js';
import { type LiveOptions, parseTarget, type TargetCompression } from '../../replay/live-replay.js';
import { MAX_MUTATIONS } from '../../replay/mutate.js';
import { mutantJobs } from '../../replay/run-mutants.js';
import { MAX_CONCURRENCY, runJobs, runTrace, type TraceResult, traceFiles } from '../../replay/run-traces.js';
import { parseCommand, UsageFault } from '../args.js';
import { fileFailure } from '../failure.js';
import { Progress } from '../replay-report/progress.js';
import {
  humanFailure,
  humanSummary,
  REPORTERS,
  type ReporterName,
  report,
} from '../replay-report/reporters.js';

const USAGE = `usage: wscompat replay FIXTURE|DIR... [options]

Replays captured traces (fixtures/README.md). Directories are walked for *.trace
files, what 'record --count' writes (FILE.trace-1, ...) and extension-less files.

Without --target each trace runs in-process against wscompat itself, with the
peer's bytes fed as recorded, whole, one byte at a time and at seeded random
splits; the answer and the reported events must match the trace.

With --target the client segments are sent to that server over TCP (TLS for
wss://), keeping their boundaries (20 ms apart), and its answer is compared with
the recorded one: status, response head (Date, Server and header order/case
ignored) and every byte after it (close frames by code only).

  --target URL       a live server to replay against (ws:// or wss://)
  --target-compression JSON
                     the target's perMessageDeflate option, e.g. '{"threshold":64}' for
                     'serve --permessage-deflate --deflate-threshold 64', or true for its
                     defaults (default: none, as plain 'serve'). A trace whose client offers
                     compression is replayed only against the option it was recorded with
                     (its compression / server-compression line); the others are skipped
  --insecure         wss:// only: accept any server certificate
  --ca FILE          wss:// only: trust this CA certificate (PEM) too
  --concurrency N    traces replayed at once, 1-${MAX_CONCURRENCY} (default 1 in-process, 4 with --target)
  --reporter NAME    human (default), json, junit (JUnit XML) or tap (TAP 13)
  --output FILE      write the --reporter report to FILE; stdout keeps the human summary
  --json             the same as --reporter json
  --mutate N         fuzz: replay N seeded variants of each role-server trace instead of
                     the trace (request head cut anew, header names re-cased, headers
                     reordered, a byte after the head flipped), each expected to be
                     answered as wscompat in-process answers it; with --target the
                     server must also still accept connections after each (1-${MAX_MUTATIONS})
  --seed S           seed of the variants (default 1): the same seed, the same variants
  --help             print this help

The human report prints a diff for each failing trace, a table by draft and a
line "N passed, N failed". Progress goes to standard error: a bar with ETA on a
terminal, otherwise at most one line a second (runs of more than 10 traces).
exit status: 0 all passed; 2 some trace failed; 1 usage error; 6 the --output file
cannot be written.
`;

const OPTIONS = {
  target: { type: 'string' },
  'target-compression': { type: 'string' },
  insecure: { type: 'boolean' },
  ca: { type: 'string' },
  concurrency: { type: 'string' },
  reporter: { type: 'string' },
  output: { type: 'string' },
  json: { type: 'boolean' },
  mutate: { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function reporterOf(values: { reporter?: string | undefined; json?: boolean | undefined }): ReporterName {
  const name = values.reporter ?? (values.json ? 'json' : 'human');
  if (!(REPORTERS as readonly string[]).includes(name))
    throw new UsageFault(`--reporter must be one of ${REPORTERS.join(', ')}`);
  if (values.json && name !== 'json') throw new UsageFault('--json conflicts with --reporter');
  return name as ReporterName;
}

function integerOf(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageFault(`${flag} must be an integer ${min}-${max}`);
  return n;
}

/** `--target-compression`: JSON `true`, `false` or a perMessageDeflate object, checked as createServer does. */
function targetCompressionOf(value: string | undefined, live: boolean): TargetCompression {
  if (value === undefined) return undefined;
  if (!live) throw new UsageFault('--target-compression needs --target');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new UsageFault(`--target-compression must be JSON: true, false or an object, got ${value}`);
  }
  try {
    if (
      typeof parsed !== 'boolean' &&
      (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    )
      throw new TypeError('expected true, false or an object');
    resolveCompression('createServer', parsed as TargetCompression);
  } catch (err) {
    throw new UsageFault(`--target-compression: ${(err as Error).message}`);
  }
  return parsed as TargetCompression;
}

async function liveOptions(values: {
  insecure?: boolean | undefined;
  ca?: string | undefined;
}): Promise<LiveOptions> {
  if (values.ca === undefined) return values.insecure ? { rejectUnauthorized: false } : {};
  let ca: Buffer;
  try {
    ca = await readFile(values.ca);
  } catch (err) {
    throw new UsageFault(`cannot read --ca ${values.ca}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  return { ca, ...(values.insecure ? { rejectUnauthorized: false } : {}) };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageFault('give at least one FIXTURE or directory');
  const reporter = reporterOf(values);
  if (reporter === 'human' && values.output !== undefined) throw new UsageFault('--output needs --reporter');
  const concurrency = integerOf(values.concurrency, '--concurrency', 1, MAX_CONCURRENCY);
  const mutate = integerOf(values.mutate, '--mutate', 1, MAX_MUTATIONS);
  const seed = integerOf(values.seed, '--seed', 0, 2 ** 32 - 1) ?? 1;
  let target: ReturnType<typeof parseTarget> | undefined;
  try {
    target = values.target === undefined ? undefined : parseTarget(values.target);
  } catch (err) {
    throw new UsageFault((err as Error).message);
  }
  let files: string[];
  try {
    files = traceFiles(positionals);
  } catch (err) {
    throw new UsageFault((err as Error).message);
  }
  const targetCompression = targetCompressionOf(values['target-compression'], target !== undefined);
  const options = target ? { target, live: await liveOptions(values), targetCompression } : {};
  const jobs = mutate
    ? mutantJobs(files, mutate, seed, options)
    : files.map((file) => () => runTrace(file, options));
  // Diffs stream out as traces fail unless stdout carries a machine report.
  const human = reporter === 'human' || values.output !== undefined;
  const progress =
    jobs.length > 10 ? new Progress(process.stderr, jobs.length, () => performance.now()) : undefined;
  let failed = 0;
  const results: TraceResult[] = await runJobs(jobs, concurrency ?? (target ? 4 : 1), (r, done) => {
    if (r.status === 'failed') failed++;
    if (human && r.status === 'failed') {
      progress?.finish();
      process.stdout.write(humanFailure(r));
    }
    progress?.update(done, failed, r.file);
  });
  progress?.finish();
  if (reporter !== 'human') {
    const text = report(reporter, results);
    if (values.output === undefined) process.stdout.write(text);
    else {
      const file = values.output;
      await writeFile(file, text).catch((err: unknown) => {
        throw fileFailure(err, 'write', file);
      });
    }
  }
  if (human) process.stdout.write(humanSummary(results));
  return failed === 0 ? 0 : 2;
}
