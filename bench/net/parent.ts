// Parent side of the loopback suites: server children per implementation, one-shot client children.
import { Child } from '../lib/child.js';
import type { Impl } from '../lib/report.js';
import { appHeapMiB } from './app-heap.js';
import type { Compress } from './servers.js';

export interface NetSuiteOptions {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

export type Values = Partial<Record<Impl, number>>;
export type Errors = Partial<Record<Impl, string>>;

const READY_TIMEOUT = 30_000;

export function message(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

/** How each implementation's server child starts: ws twice (with and without bufferutil), wscompat twice. */
function serverSpec(impl: Impl): { impl: string; env: Record<string, string> } {
  if (impl === 'ws-nobu') return { impl: 'ws', env: { WS_NO_BUFFER_UTIL: '1' } };
  if (impl === 'wscompat-js') return { impl: 'wscompat', env: { WSCOMPAT_NO_BUFFERUTIL: '1' } };
  return { impl, env: {} };
}

export interface Servers {
  readonly ports: Partial<Record<Impl, number>>;
  readonly children: Map<Impl, Child>;
  /** Implementations that failed to start, with why. */
  readonly errors: Errors;
}

/**
 * Starts one server per implementation (`compress`: permessage-deflate; `pieces`: binary messages taken and
 * echoed as pieces; see servers.ts), runs `body`, kills them all.
 */
export async function withServers(
  impls: readonly Impl[],
  body: (servers: Servers) => Promise<void>,
  compress: Compress = false,
  pieces = false,
): Promise<void> {
  const servers: Servers = { ports: {}, children: new Map(), errors: {} };
  try {
    for (const impl of impls) {
      const spec = serverSpec(impl);
      const child = new Child(
        '../net/server-main.ts',
        { impl: spec.impl, compress, appHeapMiB: appHeapMiB(), pieces },
        spec.env,
      );
      servers.children.set(impl, child);
      try {
        servers.ports[impl] = (await child.expect('ready', READY_TIMEOUT)).port as number;
      } catch (err) {
        servers.errors[impl] = message(err);
      }
    }
    await body(servers);
  } finally {
    await Promise.all([...servers.children.values()].map((c) => c.stop()));
  }
}

/** Runs one client child to its single `figure` message. */
export async function runClient<T>(file: string, config: unknown, timeoutMs: number): Promise<T> {
  const child = new Child(file, config);
  try {
    return (await child.expect('figure', timeoutMs)).figure as T;
  } finally {
    await child.stop();
  }
}

/** The server child's process CPU time so far (user + system), in microseconds. */
export async function serverCpu(server: Child): Promise<number> {
  server.send({ type: 'cpu' });
  return (await server.expect('cpu', 30_000)).us as number;
}

/** Warm-up and measure windows of one load-client run, and how many interleaved repetitions keep the best. */
export function runTiming(quick: boolean): { warmupMs: number; measureMs: number; reps: number } {
  return quick ? { warmupMs: 200, measureMs: 600, reps: 1 } : { warmupMs: 1000, measureMs: 2500, reps: 2 };
}

/** Alternating order per repetition, so drift in the machine's load spreads evenly over the implementations. */
export function interleaved<T>(items: readonly T[], rep: number): readonly T[] {
  return rep % 2 === 0 ? items : [...items].reverse();
}
