// Child processes for the benchmarks: each peer runs in its own process, talks over IPC, and is always killed.
import { type ChildProcess, fork } from 'node:child_process';

export interface Message {
  readonly type: string;
  readonly [key: string]: unknown;
}

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/**
 * Opt-in (`--pin-malloc`): the same glibc malloc tuning for every child. Without it a process may land in
 * a mode where glibc keeps trimming the heap back to the OS (brk calls, page faults per large buffer).
 * Users run without it, so the default run does too: the pinning only serves to study that noise.
 */
const PINNED_ALLOCATOR = {
  MALLOC_TRIM_THRESHOLD_: String(1024 * 1024 * 1024),
  MALLOC_MMAP_THRESHOLD_: String(64 * 1024 * 1024),
};
let pinned = false;

/** Set once by the entry point, before any child starts. */
export function pinAllocator(on: boolean): void {
  pinned = on;
}

export class Child {
  readonly proc: ChildProcess;
  private readonly inbox: Message[] = [];
  private waiter: ((msg: Message | Error) => void) | undefined;
  private exitError: Error | undefined;
  readonly exited: Promise<void>;

  /** `wrapper`: a command the child's node runs under (e.g. valgrind and its options), node's path appended. */
  constructor(
    file: string,
    config: unknown,
    env: Record<string, string> = {},
    nodeFlags: string[] = [],
    wrapper: string[] = [],
  ) {
    hookExit();
    this.proc = fork(new URL(file, import.meta.url).pathname, [JSON.stringify(config)], {
      // process.execArgv carries tsx's loader, so children run TypeScript too.
      execArgv: [
        ...(wrapper.length > 0 ? [...wrapper.slice(1), process.execPath] : []),
        ...process.execArgv,
        '--expose-gc',
        ...nodeFlags,
      ],
      ...(wrapper.length > 0 ? { execPath: wrapper[0] } : {}),
      env: { ...process.env, ...(pinned ? PINNED_ALLOCATOR : {}), ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(this.proc);
    this.proc.on('message', (msg: Message) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(msg);
      } else this.inbox.push(msg);
    });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        live.delete(this.proc);
        this.exitError = new Error(`child ${file} exited (code ${code}, signal ${signal})`);
        this.waiter?.(this.exitError);
        this.waiter = undefined;
        resolve();
      });
    });
  }

  /** The next message from the child; rejects after `timeoutMs` or if the child dies first. */
  next(timeoutMs: number): Promise<Message> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no answer from child within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (msg) => {
        clearTimeout(timer);
        if (msg instanceof Error) reject(msg);
        else resolve(msg);
      };
    });
  }

  /** Waits for a message of `type`; an `error` message from the child rejects. */
  async expect(type: string, timeoutMs: number): Promise<Message> {
    const msg = await this.next(timeoutMs);
    if (msg.type === 'error') throw new Error(String(msg.message));
    if (msg.type !== type) throw new Error(`expected ${type} from child, got ${msg.type}`);
    return msg;
  }

  send(msg: Message): void {
    this.proc.send(msg);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

/** Child side: the config the parent passed, and an exit when the parent goes away. */
export function childConfig<T>(): T {
  process.on('disconnect', () => process.exit(0));
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

export function toParent(msg: Message): void {
  process.send?.(msg);
}

/** Runs a child's main; any throw goes to the parent as an `error` message. */
export function childMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    toParent({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    setTimeout(() => process.exit(1), 50);
  });
}
