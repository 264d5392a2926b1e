// Compressed echo (RFC 7692, each library's `perMessageDeflate: true`): 1 KiB and 64 KiB JSON-like text over
// 16 connections, messages/s and the server's CPU time per message; then memory per idle compressed connection.

import { Child } from '../lib/child.js';
import type { Impl, Results } from '../lib/report.js';
import type { CompressedEchoConfig, CompressedEchoFigure } from './compressed-echo-client.js';
import { memorySuite } from './memory-suite.js';
import {
  type Errors,
  interleaved,
  message,
  type NetSuiteOptions,
  runTiming,
  type Servers,
  serverCpu,
  type Values,
  withServers,
} from './parent.js';
import type { Compress } from './servers.js';

const SUITE = 'compression (permessage-deflate, defaults)';

interface CompressedCase {
  readonly size: number;
  readonly compress: Compress;
  readonly label: string;
}

/**
 * Each library as configured by `perMessageDeflate: true`; then 64 KiB again with both at zlib's level 6 (ws's
 * default, where wscompat picks 4 for large messages), so the defaults' trade of bytes for CPU shows.
 */
const LEVEL_6: Compress = { level: 6 };
const CASES: readonly CompressedCase[] = [
  { size: 1024, compress: true, label: '1 KiB JSON x 16 conns' },
  { size: 64 * 1024, compress: true, label: '64 KiB JSON x 16 conns' },
  { size: 64 * 1024, compress: LEVEL_6, label: '64 KiB JSON x 16, both level 6' },
];

export async function compressionSuite(results: Results, opts: NetSuiteOptions): Promise<void> {
  for (const compress of [true, LEVEL_6]) {
    const cases = CASES.filter((c) => c.compress === compress);
    await withServers(
      IMPLS,
      async (servers) => {
        for (const c of cases) await compressedCase(results, opts, servers, c);
      },
      compress,
    );
  }
  await memorySuite(results, opts, true);
}

const IMPLS: readonly Impl[] = ['wscompat', 'ws'];

async function compressedCase(
  results: Results,
  opts: NetSuiteOptions,
  { ports, children, errors: startErrors }: Servers,
  { size, label: name }: CompressedCase,
): Promise<void> {
  const { warmupMs, measureMs, reps } = runTiming(opts.quick);
  const rate: Values = {};
  const cpu: Values = {};
  const bytes: Values = {};
  const errors: Errors = { ...startErrors };
  for (let rep = 0; rep < reps; rep++) {
    for (const impl of interleaved(IMPLS, rep)) {
      const port = ports[impl];
      const server = children.get(impl);
      if (port === undefined || !server || errors[impl] !== undefined) continue;
      const config: CompressedEchoConfig = {
        port,
        conns: 16,
        size,
        window: size >= 64 * 1024 ? 2 : 8,
        warmupMs,
        measureMs,
      };
      const client = new Child('../net/compressed-echo-client.ts', config);
      try {
        await client.expect('measuring', warmupMs + 60_000);
        const before = await serverCpu(server);
        const fig = (await client.expect('figure', measureMs + 60_000)).figure as CompressedEchoFigure;
        // CPU over the window plus the drain: a slight overestimate, the same for both.
        const spent = (await serverCpu(server)) - before;
        opts.log(
          `  compressed echo ${impl.padEnd(8)} ${name.padEnd(30)} ${Math.round(fig.msgsPerSec)} msg/s`,
        );
        if ((rate[impl] ?? 0) >= fig.msgsPerSec) continue;
        rate[impl] = fig.msgsPerSec;
        cpu[impl] = spent / fig.messages;
        bytes[impl] = fig.bytesPerMessage;
      } catch (err) {
        errors[impl] = message(err);
      } finally {
        await client.stop();
      }
    }
  }
  results.add(SUITE, name, 'messages/s', 'msg/s', 'higher', rate, errors);
  results.add(SUITE, name, 'server CPU / message', 'us', 'lower', cpu);
  results.add(SUITE, name, 'bytes on the wire / reply', 'B', 'lower', bytes);
}
