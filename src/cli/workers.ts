// `--workers N` for serve and gateway: a node:cluster primary that forks N copies of the same command,
// replaces a worker that crashes, drains the group on SIGTERM/SIGINT, and answers group-wide questions
// (metrics) over IPC. Workers share the listening port; the primary accepts and hands connections out.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { UsageFault } from './args.js';

/** `auto` = the CPU count; otherwise an integer 1..1024. */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return availableParallelism();
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1024)
    throw new UsageFault("--workers must be 'auto' or an integer 1-1024");
  return Number(value);
}

/** True in a process forked by runGroup: it runs the command itself and leaves signals to its own code. */
export const isWorker = cluster.isWorker;

interface GroupMessage {
  readonly wscompat: 'ask' | 'answer' | 'collect' | 'collected';
  readonly id: number;
  readonly value?: unknown;
}
const isGroupMessage = (m: unknown): m is GroupMessage =>
  typeof m === 'object' && m !== null && typeof (m as GroupMessage).wscompat === 'string';

/** How long the primary waits for every worker's share of a group question. */
const COLLECT_TIMEOUT_MS = 1000;
/** Workers that die this soon after starting, this many times in a row, mean a broken command: give up. */
const EARLY_DEATH_MS = 2000;
const MAX_EARLY_DEATHS = 5;

export interface GroupOptions {
  readonly workers: number;
  /** After SIGTERM, how long workers get to close their connections before they are killed. */
  readonly drainTimeout: number;
  /** For log lines on stderr: `wscompat gateway`. */
  readonly name: string;
}

/**
 * The primary: fork `workers` copies of this process (same argv), replace any that die unexpectedly, and on
 * SIGTERM/SIGINT pass the signal on, wait up to drainTimeout (+1 s for the exit itself), kill stragglers,
 * resolve 0. Resolves 1 when workers keep dying at start (a bad flag, a port in use).
 */
export function runGroup(o: GroupOptions): Promise<number> {
  return new Promise((resolve) => {
    let draining = false;
    let earlyDeaths = 0;
    const started = new Map<Worker, number>();
    const fork = (): void => {
      const w = cluster.fork();
      started.set(w, Date.now());
      w.on('message', (m: unknown) => answerQuestion(w, m));
    };
    cluster.on('exit', (w, code, signal) => {
      const lived = Date.now() - (started.get(w) ?? 0);
      started.delete(w);
      if (draining) {
        if (started.size === 0) finish(0);
        return;
      }
      earlyDeaths = lived < EARLY_DEATH_MS ? earlyDeaths + 1 : 0;
      process.stderr.write(
        `${o.name}: worker ${w.process.pid} exited (${signal ?? `code ${code}`})${earlyDeaths >= MAX_EARLY_DEATHS ? '; giving up' : '; replacing it'}\n`,
      );
      if (earlyDeaths >= MAX_EARLY_DEATHS) {
        drain();
        if (started.size === 0) finish(1);
        return;
      }
      fork();
    });
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (code: number): void => {
      clearTimeout(killTimer);
      process.off('SIGTERM', drain);
      process.off('SIGINT', drain);
      resolve(code);
    };
    function drain(): void {
      if (draining) return;
      draining = true;
      for (const w of started.keys()) w.process.kill('SIGTERM');
      killTimer = setTimeout(() => {
        for (const w of started.keys()) w.process.kill('SIGKILL');
      }, o.drainTimeout + 1000);
      if (started.size === 0) finish(0);
    }
    process.on('SIGTERM', drain);
    process.on('SIGINT', drain);
    for (let i = 0; i < o.workers; i++) fork();
  });
}

let nextQuestion = 1;
/** Questions the primary is collecting answers for: the asking worker and the answers so far. */
const collecting = new Map<number, { values: unknown[]; waiting: number; reply: (v: unknown[]) => void }>();

/** Primary side: a worker asks a group question; every live worker answers; the asker gets the list. */
function answerQuestion(from: Worker, m: unknown): void {
  if (!isGroupMessage(m)) return;
  if (m.wscompat === 'collected') {
    const c = collecting.get(m.id);
    if (!c) return;
    c.values.push(m.value);
    if (--c.waiting === 0) c.reply(c.values);
    return;
  }
  if (m.wscompat !== 'ask') return;
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w?.isConnected() === true);
  const id = nextQuestion++;
  const timer = setTimeout(() => c.reply(c.values), COLLECT_TIMEOUT_MS);
  const c = {
    values: [] as unknown[],
    waiting: workers.length,
    reply: (values: unknown[]) => {
      clearTimeout(timer);
      collecting.delete(id);
      if (from.isConnected()) from.send({ wscompat: 'answer', id: m.id, value: values });
    },
  };
  collecting.set(id, c);
  for (const w of workers) w.send({ wscompat: 'collect', id, value: m.value });
  if (workers.length === 0) c.reply([]);
}

/**
 * Worker side: answer the primary's 'collect' with `share()`, and return `ask()`, which resolves with every
 * worker's share (this one's included). Outside a group, `ask()` is just this process's share.
 */
export function joinGroup<T>(share: () => T): () => Promise<T[]> {
  if (!cluster.isWorker || !process.send) return async () => [share()];
  const asked = new Map<number, (v: T[]) => void>();
  let next = 1;
  process.on('message', (m: unknown) => {
    if (!isGroupMessage(m)) return;
    if (m.wscompat === 'collect') process.send?.({ wscompat: 'collected', id: m.id, value: share() });
    if (m.wscompat === 'answer') {
      asked.get(m.id)?.(m.value as T[]);
      asked.delete(m.id);
    }
  });
  return () =>
    new Promise<T[]>((resolve) => {
      const id = next++;
      // The primary answers within COLLECT_TIMEOUT_MS; if it is gone, fall back to this worker alone.
      const timer = setTimeout(() => {
        asked.delete(id);
        resolve([share()]);
      }, COLLECT_TIMEOUT_MS * 2);
      timer.unref();
      asked.set(id, (v) => {
        clearTimeout(timer);
        resolve(v);
      });
      process.send?.({ wscompat: 'ask', id });
    });
}
