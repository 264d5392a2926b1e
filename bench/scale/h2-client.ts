// Child process: opens `count` WebSockets with wscompat's client, either as streams of one HTTP/2
// session (RFC 8441) or as one TLS connection each (HTTP/1.1), `concurrency` handshakes at a time;
// reports handshakes/s, holds them until released, checks one echo per WebSocket first.
import { connect as http2Connect } from 'node:http2';
import { performance } from 'node:perf_hooks';
import type { Connection } from '../../src/connection/connection.js';
import { connect } from '../../src/node/client.js';
import { childConfig, childMain, toParent } from '../lib/child.js';

export interface H2ClientConfig {
  readonly port: number;
  readonly mode: 'h2' | 'h1';
  readonly count: number;
  readonly concurrency: number;
  /** The server's self-signed certificate, trusted as a CA. */
  readonly ca: string;
}

function opened(conn: Connection): Promise<void> {
  return new Promise((resolve, reject) => {
    conn.once('open', () => resolve());
    conn.once('error', reject);
  });
}

function echoed(conn: Connection, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    conn.once('message', (data: Buffer) =>
      String(data) === text ? resolve() : reject(new Error(`wrong echo ${String(data)}`)),
    );
    conn.send(text);
  });
}

childMain(async () => {
  const cfg = childConfig<H2ClientConfig>();
  const url = `wss://localhost:${cfg.port}/bench`;
  const session =
    cfg.mode === 'h2' ? http2Connect(`https://localhost:${cfg.port}`, { ca: cfg.ca }) : undefined;
  const conns: Connection[] = [];
  const started = performance.now();
  for (let i = 0; i < cfg.count; i += cfg.concurrency) {
    const batch = Array.from({ length: Math.min(cfg.concurrency, cfg.count - i) }, () =>
      connect(url, session ? { http2: session } : { ca: cfg.ca }),
    );
    await Promise.all(batch.map(opened));
    conns.push(...batch);
  }
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(conns.map((c, i) => echoed(c, `m${i}`)));
  let lost = 0;
  for (const c of conns) c.on('close', () => lost++);
  toParent({ type: 'opened', perSec: cfg.count / seconds });
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'release') return;
    toParent({ type: 'released', lost });
    for (const c of conns) c.terminate();
    session?.destroy();
    setTimeout(() => process.exit(0), 50);
  });
});
