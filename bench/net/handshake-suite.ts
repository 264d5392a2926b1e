// Server CPU per opening handshake: process CPU time of the server over a fixed number of upgrades.
// Handshakes per second are not the measure: on 2 cores the load client saturates before any server does.
import type { Impl, Results } from '../lib/report.js';
import type { HandshakeConfig } from './handshake-client.js';
import {
  type Errors,
  interleaved,
  message,
  type NetSuiteOptions,
  runClient,
  serverCpu,
  type Values,
  withServers,
} from './parent.js';

const IMPLS: readonly Impl[] = ['wscompat', 'wscompat-js', 'ws', 'driver', 'net'];
const DRAFTS = ['rfc6455', 'hixie-76'] as const;
type Draft = (typeof DRAFTS)[number];

export async function handshakeSuite(results: Results, opts: NetSuiteOptions): Promise<void> {
  const count = opts.quick ? 300 : 4000;
  const warmup = opts.quick ? 100 : 1000;
  const reps = opts.quick ? 1 : 3;
  await withServers(IMPLS, async ({ ports, children, errors: startErrors }) => {
    const cpu: Record<Draft, Values> = { rfc6455: {}, 'hixie-76': {} };
    const rate: Record<Draft, Values> = { rfc6455: {}, 'hixie-76': {} };
    const errors: Record<Draft, Errors> = { rfc6455: { ...startErrors }, 'hixie-76': { ...startErrors } };
    const run = async (impl: Impl, draft: Draft, n: number): Promise<{ us: number; perSec: number }> => {
      const server = children.get(impl)!;
      const config: HandshakeConfig = {
        port: ports[impl]!,
        draft: impl === 'net' ? 'none' : draft,
        concurrency: 32,
        warmupMs: 0,
        measureMs: 0,
        count: n,
      };
      const before = await serverCpu(server);
      const fig = await runClient<{ perSec: number }>('../net/handshake-client.ts', config, 120_000);
      const after = await serverCpu(server);
      return { us: (after - before) / n, perSec: fig.perSec };
    };
    for (let rep = -1; rep < reps; rep++) {
      for (const draft of DRAFTS) {
        for (const impl of interleaved(IMPLS, rep + 1)) {
          // ws speaks no hixie-76: its RFC 6455 figure stands as the reference in that row.
          if (draft === 'hixie-76' && impl === 'ws') continue;
          if (ports[impl] === undefined || errors[draft][impl] !== undefined) continue;
          try {
            // Repetition -1 only warms the JIT and the servers' pools up.
            const { us, perSec } = await run(impl, draft, rep < 0 ? warmup : count);
            if (rep < 0) continue;
            opts.log(
              `  handshake ${draft.padEnd(8)} ${impl.padEnd(11)} ${us.toFixed(1)} us CPU each, ${Math.round(perSec)}/s`,
            );
            // The least CPU of the repetitions: other load can only add to it (caches, migrations).
            cpu[draft][impl] = Math.min(cpu[draft][impl] ?? Number.POSITIVE_INFINITY, us);
            rate[draft][impl] = Math.max(rate[draft][impl] ?? 0, perSec);
          } catch (err) {
            errors[draft][impl] = message(err);
          }
        }
      }
    }
    if (cpu.rfc6455.ws !== undefined) cpu['hixie-76'].ws = cpu.rfc6455.ws;
    for (const draft of DRAFTS) {
      const name = draft === 'rfc6455' ? 'rfc6455' : 'hixie-76 (ws: its rfc6455 figure)';
      results.add('handshakes', name, 'server CPU per upgrade', 'us', 'lower', cpu[draft], errors[draft]);
      results.add('handshakes', name, 'upgrade+close, concurrency 32', '/s', 'higher', rate[draft]);
    }
  });
}
