// The processes under attack: `wscompat serve`, `wscompat gateway` (plain, TLS, tcp://) and a naive npm
// `ws` echo server as a reference, each a child process on loopback so its RSS can be read from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');

export interface Target {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Why it exited, once it has (a crash shows here). */
  exit: string | undefined;
  stop(): Promise<void>;
}

/** Resident set size of `pid` in bytes, from /proc (0 once it is gone). */
export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Start `args` with node, wait for `portFrom` to find the port in its stdout. */
function start(name: string, args: string[], portFrom: RegExp): Promise<Target> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = portFrom.exec(out);
      if (!m) return;
      // Keep draining stdout (the gateway logs a line per connection) without holding it.
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      const target: Target = {
        name,
        port: Number(m[1]),
        child,
        exit: undefined,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      };
      child.once('exit', (code, signal) => {
        target.exit = `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      });
      resolve(target);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited ${code} before listening: ${stderr}`)));
  });
}

export function startServe(): Promise<Target> {
  return start(
    'serve',
    ['--import', 'tsx', CLI, 'serve', '--port', '0', '--handshake-timeout', '2s'],
    /listening on ws:\/\/[^:]+:(\d+)/,
  );
}

export interface GatewayFlags {
  readonly upstream: string;
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly maxPayload?: string;
}

export function startGateway(name: string, flags: GatewayFlags): Promise<Target> {
  const args = ['--import', 'tsx', CLI, 'gateway', '--listen', '127.0.0.1:0', '--upstream', flags.upstream];
  args.push(
    '--handshake-timeout',
    '2s',
    '--connect-timeout',
    '1s',
    '--max-payload',
    flags.maxPayload ?? '1MiB',
  );
  if (flags.tls) args.push('--cert', flags.tls.cert, '--key', flags.tls.key);
  return start(name, args, /"event":"listening"[^\n]*"address":"[^"]*:(\d+)"/);
}

/** npm ws 8 as its README's echo example has it: the reference the figures are compared with. */
const WS_ECHO = `
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => {
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on('listening', () => console.log('listening ' + wss.address().port));
`;

export function startWsReference(): Promise<Target> {
  return start('ws 8 (reference)', ['-e', WS_ECHO], /listening (\d+)/);
}
