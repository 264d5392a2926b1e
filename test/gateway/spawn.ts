// The `wscompat gateway` command as a child process, for tests that need real processes (signals, restarts).
import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

/** Spawn the CLI; `lines` fills with its parsed JSON log lines as they arrive. */
export function spawnGateway(args: string[]): {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'gateway', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      lines.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
    }
  });
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return { child, lines, stderr: () => err };
}

/** The port from the gateway's 'listening' log line (polled every 10 ms, at most 10 s). */
export async function listeningPort(lines: Record<string, unknown>[], child: ChildProcess): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    const l = lines.find((x) => x.event === 'listening');
    if (l) return Number(String(l.address).split(':').at(-1));
    if (child.exitCode !== null) throw new Error('gateway exited');
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('gateway did not start');
}

/** A loopback port free a moment ago, for peers (HAProxy, nginx, a restarted gateway) that need a fixed one. */
export async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
