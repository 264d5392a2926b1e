// Echo over loopback: messages/s and latency per case, every server in its own process, interleaved repetitions.
import { type Impl, type Results, sizeLabel } from '../lib/report.js';
import type { EchoConfig, EchoFigure } from './echo-client.js';
import {
  type Errors,
  interleaved,
  message,
  type NetSuiteOptions,
  runClient,
  runTiming,
  type Servers,
  serverCpu,
  type Values,
  withServers,
} from './parent.js';

export interface EchoCase {
  readonly size: number;
  readonly kind: 'text' | 'binary';
  readonly conns: number;
  /** Messages each connection keeps in flight; 1 is ping-pong (pure round-trip latency). */
  readonly window: number;
}

/** The points users ask about: one-connection round trips, small messages at scale, large messages. */
export const ECHO_CASES: readonly EchoCase[] = [
  { size: 32, kind: 'text', conns: 1, window: 1 },
  { size: 1024, kind: 'text', conns: 16, window: 8 },
  { size: 32, kind: 'text', conns: 256, window: 8 },
  { size: 64 * 1024, kind: 'binary', conns: 16, window: 2 },
  { size: 64 * 1024, kind: 'binary', conns: 256, window: 2 },
  { size: 1024 * 1024, kind: 'binary', conns: 16, window: 1 },
];

export function echoCaseName(c: EchoCase): string {
  const conns = `${c.conns} conn${c.conns > 1 ? 's' : ''}`;
  const mode = c.window === 1 ? 'ping-pong' : `window ${c.window}`;
  return `${sizeLabel(c.size)} ${c.kind} x ${conns}, ${mode}`;
}

const IMPLS: readonly Impl[] = ['wscompat', 'wscompat-js', 'ws', 'ws-nobu', 'net'];

/**
 * The large binary cases again with each server taking and echoing messages as pieces: wscompat with
 * receiveParts + sendParts (nothing joined or copied), ws with binaryType 'fragments' (it joins them to send).
 */
const PIECES_SUITE = 'echo (loopback), binary messages as pieces';
const PIECES_IMPLS: readonly Impl[] = ['wscompat', 'wscompat-js', 'ws'];
const PIECES_CASES = ECHO_CASES.filter((c) => c.kind === 'binary' && c.conns === 16);

export async function echoSuite(results: Results, opts: NetSuiteOptions): Promise<void> {
  await withServers(IMPLS, async (servers) => {
    for (const c of ECHO_CASES) await echoCase(results, opts, servers, IMPLS, c, 'echo (loopback)');
  });
  await withServers(
    PIECES_IMPLS,
    async (servers) => {
      for (const c of PIECES_CASES) await echoCase(results, opts, servers, PIECES_IMPLS, c, PIECES_SUITE);
    },
    false,
    true,
  );
}

/** One case against every server of `impls`: best of the interleaved repetitions. */
async function echoCase(
  results: Results,
  opts: NetSuiteOptions,
  { ports, children, errors: startErrors }: Servers,
  impls: readonly Impl[],
  c: EchoCase,
  suite: string,
): Promise<void> {
  const { warmupMs, measureMs, reps } = runTiming(opts.quick);
  const name = echoCaseName(c);
  const rate: Values = {};
  const p50: Values = {};
  const p99: Values = {};
  const cpu: Values = {};
  const errors: Errors = { ...startErrors };
  // Best of `reps`, interleaved: other load on the machine only ever makes a figure worse.
  for (let rep = 0; rep < reps; rep++) {
    for (const impl of interleaved(impls, rep)) {
      const port = ports[impl];
      if (port === undefined || errors[impl] !== undefined) continue;
      const config: EchoConfig = {
        port,
        draft: impl === 'net' ? 'none' : 'rfc6455',
        kind: c.kind,
        conns: c.conns,
        size: c.size,
        window: c.window,
        warmupMs,
        measureMs,
      };
      try {
        const server = children.get(impl)!;
        const before = await serverCpu(server);
        const fig = await runClient<EchoFigure>(
          '../net/echo-client.ts',
          config,
          warmupMs + measureMs + 60_000,
        );
        opts.log(
          `  echo ${impl.padEnd(11)} ${name.padEnd(34)} ${Math.round(fig.msgsPerSec)} msg/s p50 ${Math.round(fig.p50us)} us p99 ${Math.round(fig.p99us)} us${suite === PIECES_SUITE ? ' (pieces)' : ''}`,
        );
        // Server CPU per echoed message: far steadier than messages/s while other processes compete.
        const us = ((await serverCpu(server)) - before) / fig.echoedTotal;
        cpu[impl] = Math.min(cpu[impl] ?? Number.POSITIVE_INFINITY, us);
        if ((rate[impl] ?? 0) >= fig.msgsPerSec) continue;
        rate[impl] = fig.msgsPerSec;
        p50[impl] = fig.p50us;
        p99[impl] = fig.p99us;
      } catch (err) {
        errors[impl] = message(err);
      }
    }
  }
  results.add(suite, name, 'messages/s', 'msg/s', 'higher', rate, errors);
  results.add(suite, name, 'p50 latency', 'us', 'lower', p50);
  results.add(suite, name, 'p99 latency', 'us', 'lower', p99);
  results.add(suite, name, 'server CPU / message', 'us', 'lower', cpu);
}
