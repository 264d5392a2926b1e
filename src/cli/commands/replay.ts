// `wscompat replay`: replay fixture traces in-process (every split mode) or against a live server.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Difference, formatDifferences } from '../../replay/compare.js';
import { parseFixture } from '../../replay/fixture-parse.js';
import { liveReplayable, parseTarget, replayLive } from '../../replay/live-replay.js';
import { replayFixture } from '../../replay/replay.js';
import { parseArgs, UsageFault } from '../args.js';

const USAGE = `usage: wscompat replay FIXTURE|DIR... [--target ws://HOST:PORT] [--json] [--help]

Replays captured traces (fixtures/README.md). Directories are searched for *.trace files.

Without --target each trace runs in-process against wscompat itself, with the
peer's bytes fed as recorded, whole, one byte at a time and at seeded random
splits; the answer and the reported events must match the trace.

With --target the client segments are sent to that server over TCP, keeping
their boundaries (20 ms apart), and its answer is compared with the recorded one:
status, response head (Date, Server and header order/case ignored) and every
byte after it (close frames by code only).

  --target URL  a live server to replay against (ws:// only)
  --json        print one JSON object: {passed, failed, skipped, results: [...]}
  --help        print this help

Prints a diff for each failing trace and a summary line "N passed, N failed".
Progress goes to standard error on long runs.
exit status: 0 all passed; 2 some trace failed; 1 usage error.
`;

async function collect(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(p);
    } catch {
      throw new UsageFault(`no such file or directory: ${p}`);
    }
    if (!s.isDirectory()) out.push(p);
    else {
      const names = (await readdir(p)).sort();
      out.push(
        ...(await collect(
          names.filter((n) => n.endsWith('.trace') || !n.includes('.')).map((n) => join(p, n)),
        )),
      );
    }
  }
  return out;
}

interface Result {
  readonly file: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly mode?: string;
  readonly differences: readonly Difference[];
}

async function runOne(file: string, target: ReturnType<typeof parseTarget> | undefined): Promise<Result> {
  let fixture: ReturnType<typeof parseFixture>;
  try {
    fixture = parseFixture(await readFile(file, 'utf8'), file);
  } catch (err) {
    return {
      file,
      status: 'failed',
      differences: [{ where: 'fixture', expected: 'a valid trace', actual: (err as Error).message }],
    };
  }
  if (!target) {
    const r = replayFixture(fixture);
    return {
      file,
      status: r.ok ? 'passed' : 'failed',
      ...(r.mode ? { mode: r.mode } : {}),
      differences: r.differences,
    };
  }
  if (!liveReplayable(fixture)) return { file, status: 'skipped', differences: [] };
  try {
    const diffs = await replayLive(fixture, target);
    return { file, status: diffs.length === 0 ? 'passed' : 'failed', mode: 'live', differences: diffs };
  } catch (err) {
    return {
      file,
      status: 'failed',
      mode: 'live',
      differences: [{ where: 'connection', expected: 'connected', actual: (err as Error).message }],
    };
  }
}

export async function run(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, {
    target: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageFault('give at least one FIXTURE or directory');
  let target: ReturnType<typeof parseTarget> | undefined;
  try {
    target = typeof flags.target === 'string' ? parseTarget(flags.target) : undefined;
  } catch (err) {
    throw new UsageFault((err as Error).message);
  }
  const files = await collect(positionals);
  const results: Result[] = [];
  const progress = files.length > 10;
  for (const [i, file] of files.entries()) {
    if (progress) process.stderr.write(`[${i + 1}/${files.length}] ${file}\n`);
    const r = await runOne(file, target);
    results.push(r);
    if (!flags.json && r.status === 'failed')
      process.stdout.write(
        `FAIL ${file}${r.mode ? ` (${r.mode})` : ''}\n${formatDifferences(r.differences)}\n`,
      );
  }
  const count = (s: Result['status']) => results.filter((r) => r.status === s).length;
  const [passed, failed, skipped] = [count('passed'), count('failed'), count('skipped')];
  if (flags.json) process.stdout.write(`${JSON.stringify({ passed, failed, skipped, results }, null, 2)}\n`);
  else process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  return failed === 0 ? 0 : 2;
}
