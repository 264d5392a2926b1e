// The long run: many idle connections plus active ones echoing once a second, for a while; reports the
// server's RSS per idle connection and the active clients' round trips.
import type { Connection } from '../../src/connection/connection.js';
import { connect } from '../../src/node/client.js';
import { type RawPeer, rawPeer } from './raw.js';
import { rssOf } from './targets.js';

export interface CrowdReport {
  readonly idle: number;
  readonly active: number;
  readonly seconds: number;
  readonly bytesPerIdle: number;
  readonly rssPeak: number;
  readonly echoes: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly failures: number;
}

export async function crowd(
  port: number,
  pid: number | undefined,
  idle: number,
  active: number,
  seconds: number,
): Promise<CrowdReport> {
  const base = rssOf(pid);
  const peers: RawPeer[] = [];
  for (let i = 0; i < idle; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, idle - i) }, () => rawPeer(port).catch(() => undefined)),
    );
    for (const p of batch) if (p) peers.push(p);
  }
  await new Promise((r) => setTimeout(r, 500));
  const bytesPerIdle = peers.length > 0 ? (rssOf(pid) - base) / peers.length : 0;
  let rssPeak = rssOf(pid);
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssOf(pid));
  }, 200);
  const latencies: number[] = [];
  let failures = idle - peers.length;
  const clients: Connection[] = [];
  const payload = 'x'.repeat(1024);
  for (let i = 0; i < active; i++) {
    const conn = connect(`ws://127.0.0.1:${port}/active`);
    conn.on('error', () => {});
    conn.on('close', () => failures++);
    let sentAt = 0;
    conn.on('open', () => {
      const tick = setInterval(() => {
        if (conn.readyState !== conn.OPEN) return clearInterval(tick);
        sentAt = Date.now();
        conn.send(payload);
      }, 1000);
      conn.once('close', () => clearInterval(tick));
    });
    conn.on('message', () => latencies.push(Date.now() - sentAt));
    clients.push(conn);
  }
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(sampler);
  for (const c of clients) {
    c.removeAllListeners('close');
    c.terminate();
  }
  for (const p of peers) p.socket.destroy();
  latencies.sort((a, b) => a - b);
  return {
    idle: peers.length,
    active,
    seconds,
    bytesPerIdle,
    rssPeak,
    echoes: latencies.length,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    maxMs: latencies.at(-1) ?? 0,
    failures,
  };
}
