// npm run soak [-- --quick] [--json FILE] [--idle N --active M --seconds S]: the abuse harness of issue 11.
// Runs each attack against `wscompat serve`, `wscompat gateway` and npm `ws` (reference), every one a child
// process on loopback, and reports per attack: RSS growth, time to close, whether a normal client was
// served meanwhile. Exit 1 when one of ours does not hold. Full mode adds the crowd (10,000 idle + 1,000
// active connections for 5 minutes); --idle/--active/--seconds size it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { haveOpenssl, makeTestCert } from '../test/support/tls-cert.js';
import * as attack from './soak/attacks.js';
import { crowd } from './soak/crowd.js';
import { startProber } from './soak/probe.js';
import { rssOf, startGateway, startServe, startWsReference, type Target } from './soak/targets.js';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = argv.includes('--quick');
const ATTACK_MS = quick ? 2500 : 15_000;
/**
 * What one attacker may add to a process of ours: the bound each row is judged by. RSS includes V8's
 * young generation, which a flood of tiny frames fills with short-lived garbage (a 12 s empty-ping flood
 * oscillates between 40 and 77 MiB without growing), so the bound leaves room for it.
 */
const BOUND = 96 * 1024 * 1024;
const MiB = 1024 * 1024;

interface Row {
  target: string;
  attack: string;
  rssBase: number;
  growth: number;
  closedAfterMs: number | undefined;
  served: boolean;
  alive: boolean;
  outcome: string;
  judged: boolean;
  pass: boolean;
}
const rows: Row[] = [];

/** The upstream behind the gateway: echo, except paths that make it misbehave (issue 11's gateway rows). */
async function upstream(): Promise<{ wss: WebSocketServer; port: number; attackers: () => number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  let attackers = 0;
  wss.on('connection', (ws, req) => {
    ws.on('error', () => {});
    const path = req.url ?? '/';
    // The prober's own upstream does not count as one an attacker holds.
    if (path !== '/probe') {
      attackers++;
      ws.once('close', () => attackers--);
    }
    const code = /^\/close\/(\d+)/.exec(path);
    if (code) setTimeout(() => ws.close(Number(code[1]), 'upstream says so'), 50);
    else if (path === '/die') setTimeout(() => ws.terminate(), 50);
    else if (path === '/big') setTimeout(() => ws.send(Buffer.alloc(2 * MiB)), 50);
    else ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await new Promise((r) => wss.once('listening', r));
  return { wss, port: (wss.address() as import('node:net').AddressInfo).port, attackers: () => attackers };
}

async function tcpEcho(): Promise<{ server: TcpServer; port: number }> {
  const server = createTcpServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as import('node:net').AddressInfo).port };
}

/** One attack against one target: RSS sampled every 25 ms, a prober beside it, the verdict. */
async function measure(
  target: Target,
  name: string,
  judged: boolean,
  run: () => Promise<attack.AttackOutcome>,
  secure = false,
): Promise<void> {
  const pid = target.child.pid;
  const rssBase = rssOf(pid);
  let peak = rssBase;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(pid));
  }, 25);
  const prober = await startProber(target.port, secure).catch(() => undefined);
  let result: attack.AttackOutcome;
  try {
    result = await run();
  } catch (err) {
    result = { outcome: `attack failed: ${(err as Error).message}`, held: false };
  }
  await new Promise((r) => setTimeout(r, 300));
  clearInterval(sampler);
  const probe = prober?.stop() ?? { served: false, maxMs: 0, answered: 0 };
  const alive = target.exit === undefined;
  const growth = Math.max(0, peak - rssBase);
  const row: Row = {
    target: target.name,
    attack: name,
    rssBase,
    growth,
    closedAfterMs: result.closedAfterMs,
    served: probe.served,
    alive,
    outcome: alive ? result.outcome : `${result.outcome}; DIED (${target.exit})`,
    judged,
    pass: alive && probe.served && result.held && growth < BOUND,
  };
  rows.push(row);
  const verdict = judged ? (row.pass ? 'ok  ' : 'FAIL') : 'ref ';
  process.stderr.write(
    `${verdict} ${row.target.padEnd(18)} ${name.padEnd(26)} +${(growth / MiB).toFixed(1)} MiB  ${row.outcome}\n`,
  );
}

/** Attacks every WebSocket server faces, whatever is behind it. */
async function common(t: Target, judged: boolean): Promise<void> {
  await measure(t, 'endless fragments', judged, () => attack.endlessFragments(t.port, ATTACK_MS));
  await measure(t, 'ping flood (125 B), no read', judged, () => attack.pingFlood(t.port, ATTACK_MS, 125));
  await measure(t, 'ping flood (empty), no read', judged, () => attack.pingFlood(t.port, ATTACK_MS, 0));
  await measure(t, 'fast sender, no read', judged, () => attack.fastSender(t.port, ATTACK_MS));
  await measure(t, 'head never completes', judged, () => attack.headNeverCompletes(t.port, 4000));
  await measure(t, '16,000-blank header', judged, () => attack.blankHeader(t.port, 2000));
}

function table(): string {
  const lines = [
    '| target | attack | RSS growth | closed after | normal client served | outcome | verdict |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.target} | ${r.attack} | ${(r.growth / MiB).toFixed(1)} MiB | ${
        r.closedAfterMs === undefined ? '-' : `${(r.closedAfterMs / 1000).toFixed(1)} s`
      } | ${r.served ? 'yes' : 'no'} | ${r.outcome.replace(/\|/g, '/')} | ${
        r.judged ? (r.pass ? 'holds' : '**fails**') : 'reference'
      } |`,
    );
  return lines.join('\n');
}

async function main(): Promise<number> {
  const up = await upstream();
  const tcp = await tcpEcho();
  const started = Date.now();
  process.stderr.write(
    `soak: ${quick ? 'quick' : 'full'} mode, ${ATTACK_MS / 1000} s per flood, bound +${BOUND / MiB} MiB\n`,
  );

  let serve = await startServe();
  await common(serve, true);

  let gw = await startGateway('gateway', { upstream: `ws://127.0.0.1:${up.port}` });
  const restart = async (): Promise<void> => {
    if (gw.exit === undefined) return;
    gw = await startGateway('gateway', { upstream: `ws://127.0.0.1:${up.port}` });
  };
  await common(gw, true);
  await measure(gw, 'hixie-76 without key3', true, () => attack.hixieNoKey3(gw.port, 5000, up.attackers));
  await measure(gw, 'upstream misbehaves (h10)', true, () =>
    attack.upstreamMisbehaves(gw.port, () => gw.exit === undefined),
  );
  await restart();

  const tcpGw = await startGateway('gateway tcp://', { upstream: `tcp://127.0.0.1:${tcp.port}` });
  await measure(tcpGw, 'hybi-07 non-base64 (h10)', true, () =>
    attack.tcpNotBase64(tcpGw.port, () => tcpGw.exit === undefined),
  );

  if (haveOpenssl) {
    const dir = mkdtempSync(join(tmpdir(), 'wscompat-soak-'));
    const made = makeTestCert();
    writeFileSync(join(dir, 'cert.pem'), made.cert);
    writeFileSync(join(dir, 'key.pem'), made.key);
    made.remove();
    const tlsGw = await startGateway('gateway TLS', {
      upstream: `ws://127.0.0.1:${up.port}`,
      tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') },
    });
    await measure(
      tlsGw,
      'TLS never handshakes',
      true,
      () => attack.tlsNeverHandshakes(tlsGw.port, 4000),
      true,
    );
    await tlsGw.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  if (!argv.includes('--no-reference')) {
    const ws = await startWsReference();
    await common(ws, false);
    await ws.stop();
  }

  const idle = Number(flag('--idle') ?? (quick ? 0 : 10_000));
  const active = Number(flag('--active') ?? (quick ? 0 : 1000));
  const seconds = Number(flag('--seconds') ?? (quick ? 0 : 300));
  let crowdLine = '';
  if (idle + active > 0 && seconds > 0) {
    await serve.stop();
    serve = await startServe();
    const c = await crowd(serve.port, serve.child.pid, idle, active, seconds);
    crowdLine =
      `crowd on serve: ${c.idle} idle + ${c.active} active for ${c.seconds} s: ` +
      `${(c.bytesPerIdle / 1024).toFixed(1)} KiB RSS per idle connection, RSS peak ${(c.rssPeak / MiB).toFixed(0)} MiB, ` +
      `${c.echoes} echoes, p99 ${c.p99Ms} ms, max ${c.maxMs} ms, ${c.failures} failures, ` +
      `${serve.exit === undefined ? 'serve up' : `serve DIED (${serve.exit})`}`;
    process.stderr.write(`${crowdLine}\n`);
    if (serve.exit !== undefined || c.failures > 0) rows.push({ judged: true, pass: false } as Row);
  }

  await Promise.all([serve.stop(), gw.stop(), tcpGw.stop()]);
  up.wss.close();
  for (const c of up.wss.clients) c.terminate();
  tcp.server.close();

  const report = `${table()}\n${crowdLine === '' ? '' : `\n${crowdLine}\n`}`;
  process.stdout.write(`\n${report}\nsoak: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  const json = flag('--json');
  if (json) writeFileSync(json, JSON.stringify({ quick, rows, crowd: crowdLine }, null, 2));
  return rows.some((r) => r.judged && !r.pass) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
