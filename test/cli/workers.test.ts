// `--workers`: a node:cluster group behind one port. Spawned for real: /metrics sums every worker, a
// killed worker is replaced, SIGTERM closes every client with 1001 and the whole group exits 0.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { connect } from '../../src/node/client.js';
import { echoUpstream } from '../gateway/helpers.js';
import { once } from '../node/helpers.js';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function workerPids(primary: ChildProcess): number[] {
  try {
    const out = execFileSync('pgrep', ['-P', String(primary.pid), '-f', 'main.ts'], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Open client connections as /metrics reports them, summed over drafts. */
async function openCount(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^wscompat_gateway_connections_open\{[^}]*\} (\d+)$/gm)) n += Number(m[1]);
  return n;
}

async function echoed(conn: Connection, text: string): Promise<string> {
  const reply = once<[Buffer]>(conn, 'message');
  conn.send(text);
  return String((await reply)[0]);
}

describe('gateway --workers 2', () => {
  it('aggregates /metrics, replaces a crashed worker, drains every worker on SIGTERM', {
    timeout: 45_000,
  }, async () => {
    const up = await echoUpstream();
    const args = ['gateway', '--listen', '127.0.0.1:0', '--upstream', up.url, '--workers', '2'];
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args, '--drain-timeout', '5s'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr!.on('data', (c: Buffer) => {
      err += c;
    });
    // Both workers log their own 'listening' line, on the one shared port.
    const ports = await until('two listening workers', () => {
      const found = [...out.matchAll(/"event":"listening","time":"[^"]*","address":"[^"]*:(\d+)"/g)];
      return found.length >= 2 ? found.map((m) => m[1]) : undefined;
    });
    expect(new Set(ports).size).toBe(1);
    const base = `http://127.0.0.1:${ports[0]}`;
    const firstPids = workerPids(child);
    expect(firstPids).toHaveLength(2);

    // Four clients, spread over both workers by the primary: /metrics counts all four from any worker.
    const drafts = ['rfc6455', 'hixie-76', 'hybi-07', 'hixie-75'] as const;
    const clients: Connection[] = [];
    for (const draft of drafts) {
      const conn = connect(`ws://127.0.0.1:${ports[0]}/`, { draft });
      await once(conn, 'open');
      clients.push(conn);
    }
    for (let i = 0; i < 3; i++) expect(await openCount(base)).toBe(4);
    for (const [i, c] of clients.entries()) expect(await echoed(c, `m${i}`)).toBe(`m${i}`);

    // A worker that dies is replaced; its clients are gone (1006), the others keep working.
    process.kill(firstPids[0]!, 'SIGKILL');
    const replaced = await until('a replacement worker', () => {
      const now = workerPids(child);
      return now.length === 2 && !now.includes(firstPids[0]!) ? now : undefined;
    });
    expect(replaced).toContain(firstPids[1]);
    // The primary's stderr line may arrive after the new worker is visible: wait for it too.
    const logged = await until('the replacement logged', () =>
      /worker \d+ exited \(SIGKILL\); replacing it/.test(err) ? true : undefined,
    );
    expect(logged).toBe(true);
    const alive = await until('the survivors in /metrics', async () => {
      const n = await openCount(base);
      const still = clients.filter((c) => c.readyState === c.OPEN);
      return n === still.length ? still : undefined;
    });
    expect(alive.length).toBeGreaterThan(0);
    expect(alive.length).toBeLessThan(4);
    for (const c of alive) expect(await echoed(c, 'still here')).toBe('still here');

    // SIGTERM to the primary: every worker closes its clients with 1001, then the group exits 0.
    const closes = alive.map((c) => once<[number, string, boolean]>(c, 'close', 10_000));
    const exited = once<[number | null]>(child, 'exit', 15_000);
    child.kill('SIGTERM');
    for (const [i, [code, , wasClean]] of (await Promise.all(closes)).entries()) {
      expect(wasClean).toBe(true);
      // Hixie drafts have no close codes: their clean close is all there is to see.
      if (alive[i]!.caps.closeCodes) expect(code).toBe(1001);
    }
    expect((await exited)[0]).toBe(0);
    expect(workerPids(child)).toEqual([]);
    await up.close();
  });
});
