// A child process run to completion for interop tests (Python peers and the like).
import { spawn } from 'node:child_process';

/** Run a child to completion (bounded), feeding `input`; resolves with its stdout. */
export function runChild(cmd: string, args: string[], input: string, ms = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill(), ms);
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} exited ${code}: ${err}`));
    });
    child.stdin.end(input);
  });
}
