// Compressed echo (RFC 7692, each library's `perMessageDeflate: true`): 1 KiB and 64 KiB JSON-like text over
// 16 connections, messages/s and the server's CPU time per message; then memory per idle compressed connection.

import { Child } from '../lib/child.js';
import type { Impl, Results } from '../lib/report.js';
import { sizeLabel } from '../lib/report.js';
import type { CompressedEchoConfig, CompressedEchoFigure } from './compressed-echo-client.js';
import { memorySuite } from './memory-suite.js';
import {
  type Errors,
  interleaved,
  message,
  type NetSuiteOptions,
  serverCpu,
  type Values,
  withServers,
} from './parent.js';

const SUITE = 'compression (permessage-deflate, defaults)';

export async function compressionSuite(results: Results, opts: NetSuiteOptions): Promise<void> {
  const impls: Impl[] = ['wscompat', 'ws'];
  const warmupMs = opts.quick ? 200 : 1000;
  const measureMs = opts.quick ? 600 : 2500;
  const reps = opts.quick ? 1 : 2;
  await withServers(
    impls,
    async ({ ports, children, errors: startErrors }) => {
      for (const size of [1024, 64 * 1024]) {
        const name = `${sizeLabel(size)} JSON x 16 conns`;
        const rate: Values = {};
        const cpu: Values = {};
        const errors: Errors = { ...startErrors };
        for (let rep = 0; rep < reps; rep++) {
          for (const impl of interleaved(impls, rep)) {
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
                `  compressed echo ${impl.padEnd(8)} ${name.padEnd(22)} ${Math.round(fig.msgsPerSec)} msg/s`,
              );
              if ((rate[impl] ?? 0) >= fig.msgsPerSec) continue;
              rate[impl] = fig.msgsPerSec;
              cpu[impl] = spent / fig.messages;
            } catch (err) {
              errors[impl] = message(err);
            } finally {
              await client.stop();
            }
          }
        }
        results.add(SUITE, name, 'messages/s', 'msg/s', 'higher', rate, errors);
        results.add(SUITE, name, 'server CPU / message', 'us', 'lower', cpu);
      }
    },
    true,
  );
  await memorySuite(results, opts, true);
}
