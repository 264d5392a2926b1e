// Memory per idle upgraded connection: server RSS and JS heap before and after N idle connections.
import { execSync } from 'node:child_process';
import { Child } from '../lib/child.js';
import type { Impl, Results } from '../lib/report.js';
import type { IdleConfig } from './idle-client.js';
import {
  type Errors,
  message,
  type NetSuiteOptions,
  type Servers,
  type Values,
  withServers,
} from './parent.js';

/** Connections the fd limit allows: the server and the client each hold one fd per connection. */
function idleCount(wanted: number, log: (line: string) => void): number {
  let limit = 1024;
  try {
    const out = execSync('ulimit -n', { shell: '/bin/sh', encoding: 'utf8' }).trim();
    limit = out === 'unlimited' ? 1_000_000 : Number(out);
  } catch {}
  const count = Math.min(wanted, limit - 256);
  if (count < wanted)
    log(`  memory: ulimit -n is ${limit}, so ${count} idle connections instead of ${wanted}`);
  return count;
}

/** `compressed`: wscompat and ws only, each connection after one compressed message (pmd contexts alive). */
export async function memorySuite(
  results: Results,
  opts: NetSuiteOptions,
  compressed = false,
): Promise<number> {
  const count = idleCount(opts.quick ? 1000 : 10_000, opts.log);
  const impls: Impl[] = compressed ? ['wscompat', 'ws'] : ['wscompat', 'ws', 'driver', 'net'];
  const suite = compressed ? 'compression (permessage-deflate, defaults)' : 'memory';
  const label = `${count} idle connections${compressed ? ' after one compressed message' : ''}`;
  const values: Values = {};
  const heap: Values = {};
  const errors: Errors = {};
  // One server at a time, so no other process competes for memory while it is measured.
  for (const impl of impls) {
    const measure = async ({ ports, children, errors: startErrors }: Servers): Promise<void> => {
      Object.assign(errors, startErrors);
      const port = ports[impl];
      const server = children.get(impl);
      if (port === undefined || !server) return;
      const config: IdleConfig = { port, draft: impl === 'net' ? 'none' : 'rfc6455', count, compressed };
      const client = new Child('../net/idle-client.ts', config);
      try {
        server.send({ type: 'mem' });
        const before = await server.expect('mem', 30_000);
        await client.expect('opened', 120_000);
        await new Promise((r) => setTimeout(r, 500));
        server.send({ type: 'mem' });
        const after = await server.expect('mem', 30_000);
        client.send({ type: 'release' });
        const released = await client.expect('released', 30_000);
        if ((released.lost as number) > 0) throw new Error(`${released.lost} idle connections were closed`);
        values[impl] = ((after.rss as number) - (before.rss as number)) / count / 1024;
        heap[impl] = ((after.heapUsed as number) - (before.heapUsed as number)) / count / 1024;
        opts.log(`  ${suite} ${impl.padEnd(8)} ${(values[impl] ?? 0).toFixed(2)} KiB per idle connection`);
      } catch (err) {
        errors[impl] = message(err);
      } finally {
        await client.stop();
      }
    };
    await withServers([impl], measure, compressed);
  }
  results.add(suite, label, 'server RSS / conn', 'KiB', 'lower', values, errors);
  results.add(suite, label, 'JS heap / conn', 'KiB', 'lower', heap);
  return count;
}
