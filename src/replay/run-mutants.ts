// `replay --mutate N`: every trace's variants as replay jobs; a live target must also survive each one.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Fixture } from './fixture.js';
import { parseFixture } from './fixture-parse.js';
import type { LiveTarget } from './live-replay.js';
import { mutateFixture } from './mutate.js';
import { type RunTracesOptions, runFixture, runTrace, type TraceResult } from './run-traces.js';

/** Whether the target still completes a TCP (and TLS) connect: a crashed server does not. */
function reachable(target: LiveTarget, options: RunTracesOptions['live']): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = target.secure
      ? tlsConnect({
          host: target.host,
          port: target.port,
          ...(options?.ca === undefined ? {} : { ca: options.ca }),
          ...(options?.rejectUnauthorized === undefined
            ? {}
            : { rejectUnauthorized: options.rejectUnauthorized }),
        })
      : connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => done('no connect within 5 s'), 5000);
    const done = (why: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    socket.once(target.secure ? 'secureConnect' : 'connect', () => done(undefined));
    socket.once('error', (err) => done(err.message));
  });
}

/** One job per variant of every file (files that cannot be mutated: one skipped or failed result). */
export function mutantJobs(
  files: readonly string[],
  count: number,
  seed: number,
  options: RunTracesOptions & { readonly target?: LiveTarget },
): (() => Promise<TraceResult>)[] {
  return files.flatMap((file) => {
    let fixture: Fixture;
    try {
      fixture = parseFixture(readFileSync(file, 'utf8'), file);
    } catch {
      return [() => runTrace(file, options)]; // reports the parse error
    }
    const variants = mutateFixture(fixture, count, seed);
    if (variants.length === 0) {
      const reason = 'no variants: only role-server traces with a compared stream are mutated';
      const skipped: TraceResult = {
        file,
        draft: fixture.draft,
        status: 'skipped',
        differences: [],
        reason,
        durationMs: 0,
      };
      return [async () => skipped];
    }
    return variants.map((v) => async (): Promise<TraceResult> => {
      if (v.crash !== undefined)
        return {
          file: v.label,
          draft: fixture.draft,
          status: 'failed',
          differences: [{ where: 'in-process implementation', expected: 'no exception', actual: v.crash }],
          durationMs: 0,
        };
      const r = await runFixture(v.fixture, v.label, options);
      if (!options.target) return r;
      const down = await reachable(options.target, options.live);
      if (down === undefined) return r;
      const crash = { where: 'target', expected: 'accepting connections after this variant', actual: down };
      return { ...r, status: 'failed', differences: [...r.differences, crash] };
    });
  });
}
