// Scaling figures: echo messages/s from `serve --workers 1` vs `--workers 2`, and 1,000 WebSockets as
// HTTP/2 streams (RFC 8441) vs HTTP/1.1 connections over TLS: handshakes/s and server memory per WebSocket.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from '../lib/child.js';
import type { Results } from '../lib/report.js';
import type { EchoConfig, EchoFigure } from '../net/echo-client.js';
import type { H2ClientConfig } from './h2-client.js';
import type { H2ServerConfig } from './h2-server.js';

export interface ScaleOptions {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

function message(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

/** `wscompat serve --workers N` as a process group; resolves with its port once a worker listens. */
function startServe(workers: number): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(
    process.execPath,
    [...process.execArgv, MAIN, 'serve', '--port', '0', '--drafts', 'rfc6455', '--workers', String(workers)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c;
      // Every worker prints the line; measure once all of them listen.
      const lines = [...out.matchAll(/listening on ws:\/\/127\.0\.0\.1:(\d+)\//g)];
      if (lines.length < workers) return;
      clearTimeout(timer);
      resolve({ proc, port: Number(lines[0]![1]) });
    });
    proc.once('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
}

async function stopServe(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function workersFigures(results: Results, opts: ScaleOptions): Promise<void> {
  const warmupMs = opts.quick ? 200 : 1000;
  const measureMs = opts.quick ? 600 : 3000;
  const conns = 32;
  const size = 1024;
  for (const workers of [1, 2]) {
    const name = `1 KiB x ${conns} conns, serve --workers ${workers}`;
    let serve: ChildProcess | undefined;
    try {
      const started = await startServe(workers);
      serve = started.proc;
      const config: EchoConfig = {
        port: started.port,
        draft: 'rfc6455',
        kind: 'text',
        conns,
        size,
        window: 8,
        warmupMs,
        measureMs,
      };
      const client = new Child('../net/echo-client.ts', config);
      try {
        const fig = (await client.expect('figure', warmupMs + measureMs + 60_000)).figure as EchoFigure;
        opts.log(`  workers ${workers}: ${Math.round(fig.msgsPerSec)} msg/s p99 ${Math.round(fig.p99us)} us`);
        results.add('scale: echo by workers', name, 'messages/s', 'msg/s', 'higher', {
          wscompat: fig.msgsPerSec,
        });
        results.add('scale: echo by workers', name, 'p99 latency', 'us', 'lower', { wscompat: fig.p99us });
      } finally {
        await client.stop();
      }
    } catch (err) {
      results.add(
        'scale: echo by workers',
        name,
        'messages/s',
        'msg/s',
        'higher',
        {},
        { wscompat: message(err) },
      );
    } finally {
      if (serve) await stopServe(serve);
    }
  }
}

function selfSignedCert(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wscompat-bench-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ]),
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function http2Figures(results: Results, opts: ScaleOptions): Promise<void> {
  const count = opts.quick ? 200 : 1000;
  const tls = selfSignedCert();
  const suite = 'scale: HTTP/2 streams vs HTTP/1.1';
  for (const mode of ['h1', 'h2'] as const) {
    const name = `${count} wss ${mode === 'h2' ? 'streams, 1 HTTP/2 conn' : 'HTTP/1.1 conns'}`;
    const server = new Child('../scale/h2-server.ts', tls satisfies H2ServerConfig);
    try {
      const { port } = (await server.expect('ready', 30_000)) as unknown as { port: number };
      server.send({ type: 'mem' });
      const before = await server.expect('mem', 30_000);
      const config: H2ClientConfig = {
        port,
        mode,
        count,
        concurrency: mode === 'h2' ? 100 : 50,
        ca: tls.cert,
      };
      const client = new Child('../scale/h2-client.ts', config);
      try {
        const { perSec } = (await client.expect('opened', 120_000)) as unknown as { perSec: number };
        await new Promise((r) => setTimeout(r, 300));
        server.send({ type: 'mem' });
        const after = await server.expect('mem', 30_000);
        client.send({ type: 'release' });
        const released = await client.expect('released', 30_000);
        if ((released.lost as number) > 0) throw new Error(`${released.lost} WebSockets closed early`);
        const rss = ((after.rss as number) - (before.rss as number)) / count / 1024;
        const heap = ((after.heapUsed as number) - (before.heapUsed as number)) / count / 1024;
        opts.log(
          `  ${mode}: ${Math.round(perSec)} handshakes/s, ${rss.toFixed(1)} KiB RSS, ${heap.toFixed(1)} KiB heap per WebSocket`,
        );
        results.add(suite, name, 'handshakes/s', '/s', 'higher', { wscompat: perSec });
        results.add(suite, name, 'server RSS / WebSocket', 'KiB', 'lower', { wscompat: rss });
        results.add(suite, name, 'JS heap / WebSocket', 'KiB', 'lower', { wscompat: heap });
      } finally {
        await client.stop();
      }
    } catch (err) {
      results.add(suite, name, 'handshakes/s', '/s', 'higher', {}, { wscompat: message(err) });
    } finally {
      await server.stop();
    }
  }
}

export async function scaleSuite(results: Results, opts: ScaleOptions): Promise<void> {
  await workersFigures(results, opts);
  await http2Figures(results, opts);
}
