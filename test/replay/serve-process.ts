// Starts `wscompat serve` as a child process for live tests (directly, or as `npm start`) and reads its port.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ROOT } from './corpus-files.js';

export interface ServeProcess {
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** `args` are passed to `wscompat serve` after `--port 0`. */
export function startServe(args: readonly string[] = []): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return portOf(child, () => child.kill());
}

/**
 * `npm start` exactly as the README has a user run it, but with PORT=0 from the environment so tests
 * never take a fixed port. npm runs the server as its own child: the whole process group is stopped.
 */
export function startNpmStart(): Promise<ServeProcess> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return portOf(child, () => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
  });
}

function portOf(
  child: ChildProcess & { stdout: Readable; stderr: Readable },
  kill: () => void,
): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`serve did not start: ${out}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        port: Number(m[1]),
        child,
        stop: () =>
          new Promise((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            kill();
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}`));
    });
  });
}
