// Parent side of the loopback suites: echo, handshakes/s, memory per idle connection; every server in its own process.
import { execSync } from 'node:child_process';
import { Child } from '../lib/child.js';
import { type Impl, type Results, sizeLabel } from '../lib/report.js';
import type { CompressedEchoConfig, CompressedEchoFigure } from './compressed-echo-client.js';
import type { EchoConfig, EchoFigure } from './echo-client.js';
import type { HandshakeConfig } from './handshake-client.js';
import type { IdleConfig } from './idle-client.js';

export interface NetSuiteOptions {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

type Values = Partial<Record<Impl, number>>;
type Errors = Partial<Record<Impl, string>>;

const READY_TIMEOUT = 30_000;

function message(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

/** Starts one server per implementation (ws twice: with and without bufferutil), runs `body`, kills them all. */
async function withServers(
  impls: readonly Impl[],
  body: (ports: Partial<Record<Impl, number>>, errors: Errors) => Promise<void>,
  compress = false,
): Promise<void> {
  const children: Child[] = [];
  const ports: Partial<Record<Impl, number>> = {};
  const errors: Errors = {};
  try {
    for (const impl of impls) {
      const env: Record<string, string> = impl === 'ws-nobu' ? { WS_NO_BUFFER_UTIL: '1' } : {};
      const child = new Child(
        '../net/server-main.ts',
        { impl: impl === 'ws-nobu' ? 'ws' : impl, compress },
        env,
      );
      children.push(child);
      try {
        ports[impl] = (await child.expect('ready', READY_TIMEOUT)).port as number;
        serverChildren.set(impl, child);
      } catch (err) {
        errors[impl] = message(err);
      }
    }
    await body(ports, errors);
  } finally {
    serverChildren.clear();
    await Promise.all(children.map((c) => c.stop()));
  }
}

const serverChildren = new Map<Impl, Child>();

async function runClient<T>(file: string, config: unknown, timeoutMs: number): Promise<T> {
  const child = new Child(file, config);
  try {
    return (await child.expect('figure', timeoutMs)).figure as T;
  } finally {
    await child.stop();
  }
}

export async function echoSuite(results: Results, opts: NetSuiteOptions): Promise<void> {
  const impls: Impl[] = ['wscompat', 'ws', 'ws-nobu', 'driver', 'net'];
  const warmupMs = opts.quick ? 200 : 1000;
  const measureMs = opts.quick ? 600 : 2500;
  const reps = opts.quick ? 1 : 2;
  await withServers(impls, async (ports, startErrors) => {
    for (const conns of [1, 16, 256]) {
      for (const size of [32, 1024, 64 * 1024]) {
        const name = `${sizeLabel(size)} x ${conns} conn${conns > 1 ? 's' : ''}`;
        const rate: Values = {};
        const p50: Values = {};
        const p99: Values = {};
        const errors: Errors = { ...startErrors };
        // Best of `reps`, in alternating order: other load on the machine only ever makes a figure worse.
        for (let rep = 0; rep < reps; rep++) {
          for (const impl of rep % 2 === 0 ? impls : [...impls].reverse()) {
            const port = ports[impl];
            if (port === undefined || errors[impl] !== undefined) continue;
            const config: EchoConfig = {
              port,
              draft: impl === 'net' ? 'none' : 'rfc6455',
              conns,
              size,
              window: size >= 64 * 1024 ? 2 : 8,
              warmupMs,
              measureMs,
            };
            try {
              const fig = await runClient<EchoFigure>(
                '../net/echo-client.ts',
                config,
                warmupMs + measureMs + 60_000,
              );
              opts.log(
                `  echo ${impl.padEnd(8)} ${name.padEnd(20)} ${Math.round(fig.msgsPerSec)} msg/s p99 ${Math.round(fig.p99us)} us`,
              );
              if ((rate[impl] ?? 0) >= fig.msgsPerSec) continue;
              rate[impl] = fig.msgsPerSec;
              p50[impl] = fig.p50us;
              p99[impl] = fig.p99us;
            } catch (err) {
              errors[impl] = message(err);
            }
          }
        }
        results.add('echo (loopback, text)', name, 'messages/s', 'msg/s', 'higher', rate, errors);
        results.add('echo (loopback, text)', name, 'p50 latency', 'us', 'lower', p50);
        results.add('echo (loopback, text)', name, 'p99 latency', 'us', 'lower', p99);
      }
    }
  });
}

export async function handshakeSuite(results: Results, opts: NetSuiteOptions): Promise<void> {
  const warmupMs = opts.quick ? 300 : 1000;
  const measureMs = opts.quick ? 1000 : 3000;
  const reps = opts.quick ? 1 : 2;
  for (const draft of ['rfc6455', 'hixie-76'] as const) {
    const impls: Impl[] =
      draft === 'rfc6455' ? ['wscompat', 'ws', 'driver', 'net'] : ['wscompat', 'driver', 'net'];
    await withServers(impls, async (ports, startErrors) => {
      const values: Values = {};
      const errors: Errors = { ...startErrors };
      for (let rep = 0; rep < reps; rep++) {
        for (const impl of rep % 2 === 0 ? impls : [...impls].reverse()) {
          const port = ports[impl];
          if (port === undefined || errors[impl] !== undefined) continue;
          const config: HandshakeConfig = {
            port,
            draft: impl === 'net' ? 'none' : draft,
            concurrency: 32,
            warmupMs,
            measureMs,
          };
          try {
            const timeout = warmupMs + measureMs + 60_000;
            const fig = await runClient<{ perSec: number }>('../net/handshake-client.ts', config, timeout);
            opts.log(`  handshake ${draft.padEnd(8)} ${impl.padEnd(8)} ${Math.round(fig.perSec)}/s`);
            values[impl] = Math.max(values[impl] ?? 0, fig.perSec);
          } catch (err) {
            errors[impl] = message(err);
          }
        }
      }
      results.add('handshakes (concurrency 32)', draft, 'upgrade+close', '/s', 'higher', values, errors);
    });
  }
}

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

export async function memorySuite(
  results: Results,
  opts: NetSuiteOptions,
  compressed = false,
): Promise<number> {
  const count = idleCount(opts.quick ? 1000 : 5000, opts.log);
  const impls: Impl[] = compressed ? ['wscompat', 'ws'] : ['wscompat', 'ws', 'driver', 'net'];
  const suite = compressed ? 'compression (permessage-deflate, defaults)' : 'memory';
  const label = `${count} idle connections${compressed ? ' after one compressed message' : ''}`;
  const values: Values = {};
  const heap: Values = {};
  const errors: Errors = {};
  // One server at a time, so no other process competes for memory while it is measured.
  for (const impl of impls) {
    await withServers(
      [impl],
      async (ports, startErrors) => {
        Object.assign(errors, startErrors);
        const port = ports[impl];
        const server = serverChildren.get(impl);
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
          opts.log(`  ${suite} ${impl.padEnd(8)} ${(values[impl] ?? 0).toFixed(1)} KiB per idle connection`);
        } catch (err) {
          errors[impl] = message(err);
        } finally {
          await client.stop();
        }
      },
      compressed,
    );
  }
  results.add(suite, label, 'server RSS / conn', 'KiB', 'lower', values, errors);
  results.add(suite, label, 'JS heap / conn', 'KiB', 'lower', heap);
  return count;
}

/**
 * Compressed echo (RFC 7692, each library's `perMessageDeflate: true`): 1 KiB and 64 KiB JSON-like text over
 * 16 connections, messages/s and the server's CPU time per message; then memory per idle compressed connection.
 */
export async function compressionSuite(results: Results, opts: NetSuiteOptions): Promise<void> {
  const impls: Impl[] = ['wscompat', 'ws'];
  const suite = 'compression (permessage-deflate, defaults)';
  const warmupMs = opts.quick ? 200 : 1000;
  const measureMs = opts.quick ? 600 : 2500;
  const reps = opts.quick ? 1 : 2;
  await withServers(
    impls,
    async (ports, startErrors) => {
      for (const size of [1024, 64 * 1024]) {
        const name = `${sizeLabel(size)} JSON x 16 conns`;
        const rate: Values = {};
        const cpu: Values = {};
        const errors: Errors = { ...startErrors };
        for (let rep = 0; rep < reps; rep++) {
          for (const impl of rep % 2 === 0 ? impls : [...impls].reverse()) {
            const port = ports[impl];
            const server = serverChildren.get(impl);
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
              server.send({ type: 'cpu' });
              const before = (await server.expect('cpu', 10_000)).us as number;
              const fig = (await client.expect('figure', measureMs + 60_000)).figure as CompressedEchoFigure;
              server.send({ type: 'cpu' });
              // CPU over the window plus the drain: a slight overestimate, the same for both.
              const spent = ((await server.expect('cpu', 10_000)).us as number) - before;
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
        results.add(suite, name, 'messages/s', 'msg/s', 'higher', rate, errors);
        results.add(suite, name, 'server CPU / message', 'us', 'lower', cpu);
      }
    },
    true,
  );
  await memorySuite(results, opts, true);
}
