// Two gateway processes behind a real HAProxy (docs/haproxy/gateway.cfg: mode tcp, /healthz checks,
// send-proxy-v2), clients of every draft sending numbered messages, and a rolling restart: SIGTERM one
// gateway, start it again, then the other. Every client is either served throughout or gets a clean
// close (1001 where the draft has codes) and reconnects; every message sent is echoed in the end.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { ALL_DRAFTS, type DraftId } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';
import { connect } from '../../src/node/client.js';
import { echoUpstream, until } from './helpers.js';
import { freePort, listeningPort, spawnGateway } from './spawn.js';

const HAPROXY = '/usr/sbin/haproxy';
const CONF = join(import.meta.dirname, '..', '..', 'docs', 'haproxy', 'gateway.cfg');
const haveHaproxy = existsSync(HAPROXY);
if (!haveHaproxy) console.warn(`skipping HAProxy test: ${HAPROXY} is not installed`);

const dir = mkdtempSync(join(tmpdir(), 'wscompat-haproxy-'));
const processes: ChildProcess[] = [];
afterAll(() => {
  for (const p of processes) if (p.exitCode === null) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A client that keeps sending numbered messages, reconnects after a close, and re-sends what was not echoed. */
class Persistent {
  conn: Connection | undefined;
  next = 0;
  readonly unacked = new Map<number, string>();
  readonly acked = new Set<number>();
  /** Closes of an open connection: what the client saw when its gateway went away. */
  readonly closes: { code: number; wasClean: boolean }[] = [];
  /** Handshakes that failed (a gateway refusing during its drain); retried. */
  refused = 0;
  stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly url: string,
    readonly draft: DraftId,
    readonly id: number,
  ) {
    this.dial();
    this.timer = setInterval(() => this.tick(), 40);
  }

  get open(): boolean {
    return this.conn?.readyState === 1;
  }

  private dial(): void {
    const conn = connect(this.url, { draft: this.draft });
    this.conn = conn;
    let opened = false;
    conn.on('error', () => {});
    conn.on('open', () => {
      opened = true;
      // What was sent but never echoed goes again, in order.
      for (const text of this.unacked.values()) conn.send(text);
    });
    conn.on('message', (data: Buffer) => {
      const [who, seq] = String(data).split(':').map(Number);
      if (who !== this.id || !this.unacked.has(seq!)) return;
      this.unacked.delete(seq!);
      this.acked.add(seq!);
    });
    conn.on('close', (code: number, _reason: string, wasClean: boolean) => {
      if (opened && !this.stopped) this.closes.push({ code, wasClean });
      else if (!opened) this.refused++;
      if (!this.stopped) setTimeout(() => this.dial(), 50);
    });
  }

  private tick(): void {
    if (!this.open || this.unacked.size > 20) return;
    const seq = this.next++;
    const text = `${this.id}:${seq}`;
    this.unacked.set(seq, text);
    this.conn!.send(text);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.conn?.close();
  }
}

async function startGateway(port: number, upstream: string) {
  const g = spawnGateway([
    ...['--listen', `127.0.0.1:${port}`, '--upstream', upstream],
    ...['--proxy-protocol', '--drain-timeout', '3s'],
  ]);
  processes.push(g.child);
  await listeningPort(g.lines, g.child);
  return g;
}

describe.skipIf(!haveHaproxy)('rolling restart behind HAProxy (docs/haproxy/gateway.cfg)', () => {
  it('serves every draft throughout, with clean closes and no lost messages', {
    timeout: 60_000,
  }, async () => {
    const up = await echoUpstream();
    const [portA, portB, front] = [await freePort(), await freePort(), await freePort()];
    let a = await startGateway(portA, up.url);
    let b = await startGateway(portB, up.url);
    // The documented file with this test's ports; quick checks; and HAProxy dialling from 127.0.0.2, so
    // the gateway's TCP peer differs from the client and only the PROXY header can name the client.
    const conf = readFileSync(CONF, 'utf8')
      .replace('bind :80', `bind 127.0.0.1:${front}`)
      .replace('server gw1 127.0.0.1:8081', `server gw1 127.0.0.1:${portA}`)
      .replace('server gw2 127.0.0.1:8082', `server gw2 127.0.0.1:${portB}`)
      .replace('inter 2s fall 2 rise 2', 'inter 100ms fall 1 rise 1 source 127.0.0.2');
    expect(conf).toContain(`server gw2 127.0.0.1:${portB}`);
    expect(conf).toContain('source 127.0.0.2');
    writeFileSync(join(dir, 'haproxy.cfg'), conf);
    const haproxy = spawn(HAPROXY, ['-f', join(dir, 'haproxy.cfg'), '-db'], { stdio: 'ignore' });
    processes.push(haproxy);
    const base = `http://127.0.0.1:${front}`;
    const url = `ws://127.0.0.1:${front}/feed`;
    await until(() => haproxy.exitCode === null, 100);
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 100) throw new Error('HAProxy did not come up');
      await new Promise((r) => setTimeout(r, 50));
    }

    const clients = ALL_DRAFTS.flatMap((draft, i) => [
      new Persistent(url, draft, 2 * i),
      new Persistent(url, draft, 2 * i + 1),
    ]);
    await until(() => clients.every((c) => c.open && c.acked.size >= 2), 10_000);
    // Through send-proxy-v2: the gateways log the client's address, not HAProxy's 127.0.0.2.
    const opens = [...a.lines, ...b.lines].filter((l) => l.event === 'open');
    expect(opens.length).toBeGreaterThanOrEqual(clients.length);
    expect(new Set(opens.map((l) => l.remote))).toEqual(new Set(['127.0.0.1']));
    expect(a.lines.some((l) => l.event === 'open') && b.lines.some((l) => l.event === 'open')).toBe(true);

    /** SIGTERM one gateway, wait for its exit (0), start it again on its port, and wait until HAProxy uses it. */
    const restart = async (g: typeof a, port: number) => {
      const exited = once(g.child, 'exit');
      g.child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
      const again = await startGateway(port, up.url);
      // leastconn sends a new connection to the empty gateway as soon as its health check passes.
      await until(() => {
        if (again.lines.some((l) => l.event === 'open')) return true;
        const probe = connect(url);
        probe.on('error', () => {});
        probe.on('open', () => probe.close());
        return false;
      }, 10_000);
      return again;
    };
    a = await restart(a, portA);
    b = await restart(b, portB);
    const sentBefore = clients.map((c) => c.next);
    await until(
      () => clients.every((c, i) => c.open && c.next > sentBefore[i]! + 2 && c.unacked.size === 0),
      15_000,
    );

    const closes = clients.flatMap((c) => c.closes.map((x) => ({ draft: c.draft, ...x })));
    // Every client was on one of the two gateways, so every one of them went through a restart.
    expect(clients.every((c) => c.closes.length >= 1)).toBe(true);
    for (const c of closes) {
      expect(c.wasClean, `${c.draft} closed uncleanly (${c.code})`).toBe(true);
      if (getDraft(c.draft).caps.closeCodes) expect(c.code, c.draft).toBe(1001);
    }
    for (const c of clients) {
      expect(c.unacked.size).toBe(0);
      expect(c.acked.size).toBe(c.next);
    }
    for (const c of clients) c.stop();
    haproxy.kill('SIGTERM');
    for (const g of [a, b]) g.child.kill('SIGTERM');
    await Promise.all([a, b].map((g) => once(g.child, 'exit')));
    await up.close();
  });
});
