// The attacks of issue 11, one function each: every loop is bounded by a deadline, everything is loopback.
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { cryptoRng } from '../../src/core/rng.js';
import type { DraftId } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';
import { connect } from '../../src/node/client.js';
import { clientFrame, flood, rawPeer } from './raw.js';

/** What an attack reports: a short outcome, and how long the server took to close it (if it did). */
export interface AttackOutcome {
  readonly outcome: string;
  readonly closedAfterMs?: number | undefined;
  /** False when the attack shows a broken limit by itself (e.g. a fragment flood never refused). */
  readonly held: boolean;
}

const MiB = 1024 * 1024;
const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

/** Resolves with ms from `started` when `p` settles, or undefined at `deadline`. */
async function within(p: Promise<unknown>, started: number, deadline: number): Promise<number | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), Math.max(0, deadline - Date.now()));
  });
  const done = p.then(() => Date.now() - started);
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}

/** A text message that never ends: 1-byte continuation frames until the server refuses or time is up. */
export async function endlessFragments(port: number, ms: number): Promise<AttackOutcome> {
  const peer = await rawPeer(port);
  const started = Date.now();
  peer.socket.write(clientFrame(0x1, Buffer.alloc(0), false));
  const one = clientFrame(0x0, Buffer.from('a'), false);
  const batch = Buffer.concat(Array(512).fill(one));
  const sent = await flood(peer.socket, () => batch, started + ms);
  const closedAfterMs = await within(peer.closed, started, Date.now() + 1000);
  peer.socket.destroy();
  const frames = Math.round(sent / one.length);
  const code = peer.closeCode();
  return {
    outcome:
      closedAfterMs === undefined
        ? `open after ${frames} frames`
        : `close ${code ?? 'none'} (${frames} frames sent)`,
    closedAfterMs,
    held: closedAfterMs !== undefined,
  };
}

/** Pings (125-byte or empty) as fast as the server takes them; the pongs are never read. */
export async function pingFlood(port: number, ms: number, size: 0 | 125): Promise<AttackOutcome> {
  const peer = await rawPeer(port);
  peer.stopReading();
  const started = Date.now();
  const ping = clientFrame(0x9, Buffer.alloc(size, 0x70));
  const batch = Buffer.concat(Array(size === 0 ? 4096 : 256).fill(ping));
  const sent = await flood(peer.socket, () => batch, started + ms);
  const closedAfterMs = peer.socket.destroyed ? Date.now() - started : undefined;
  peer.socket.destroy();
  const pings = Math.round(sent / ping.length);
  return {
    outcome: `${pings.toLocaleString('en')} pings (${mib(sent)}) accepted${closedAfterMs ? ', then closed' : ''}`,
    closedAfterMs,
    held: true,
  };
}

/** 64 KiB binary messages as fast as the server takes them; its echoes are never read. */
export async function fastSender(port: number, ms: number): Promise<AttackOutcome> {
  const peer = await rawPeer(port);
  peer.stopReading();
  const started = Date.now();
  const message = clientFrame(0x2, Buffer.alloc(64 * 1024, 0x71));
  const sent = await flood(peer.socket, () => message, started + ms);
  peer.socket.destroy();
  return { outcome: `${mib(sent)} accepted in ${(ms / 1000).toFixed(0)} s`, held: true };
}

/** `count` connections that each send what `first` gives and then nothing: time until all are closed. */
async function stalled(
  count: number,
  connectOne: () => Socket,
  first: Buffer | string,
  ms: number,
): Promise<AttackOutcome> {
  const started = Date.now();
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const s = connectOne();
    s.on('error', () => {});
    if (first.length > 0) s.write(first);
    s.resume();
    sockets.push(s);
  }
  const all = Promise.all(sockets.map((s) => (s.destroyed ? undefined : once(s, 'close'))));
  const closedAfterMs = await within(all, started, started + ms);
  const open = sockets.filter((s) => !s.destroyed).length;
  for (const s of sockets) s.destroy();
  return {
    outcome:
      closedAfterMs === undefined
        ? `${open} of ${count} still open after ${ms / 1000} s`
        : `all ${count} closed`,
    closedAfterMs,
    held: closedAfterMs !== undefined,
  };
}

const tcp = (port: number) => () => netConnect({ host: '127.0.0.1', port });

/** Slowloris: a request head that never completes. */
export function headNeverCompletes(port: number, ms: number): Promise<AttackOutcome> {
  return stalled(50, tcp(port), 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n', ms);
}

/** TCP connections to a TLS port that never send a ClientHello. */
export function tlsNeverHandshakes(port: number, ms: number): Promise<AttackOutcome> {
  return stalled(50, tcp(port), '', ms);
}

/** hixie-76 heads without their 8-byte key3, `count` of them; `upstreams()` counts upstream connections. */
export async function hixieNoKey3(port: number, ms: number, upstreams: () => number): Promise<AttackOutcome> {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, upstreams());
  }, 20);
  const request = getDraft('hixie-76').buildRequest({
    url: new URL(`ws://127.0.0.1:${port}/`),
    protocols: [],
    rng: cryptoRng,
  }).bytes;
  const result = await stalled(100, tcp(port), request.subarray(0, request.length - 8), ms);
  clearInterval(timer);
  return {
    ...result,
    outcome: `${result.outcome}; upstream connections held: ${peak}`,
    held: peak === 0 && result.held,
  };
}

/** A handshake carrying a header of 16,000 blanks inside its value: time to the server's answer. */
export async function blankHeader(port: number, ms: number): Promise<AttackOutcome> {
  const request = getDraft('rfc6455').buildRequest({
    url: new URL(`ws://127.0.0.1:${port}/`),
    protocols: [],
    headers: [['X-Pad', `x${' '.repeat(16_000)}x`]],
    rng: cryptoRng,
  }).bytes;
  const s = netConnect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  const started = Date.now();
  s.write(request);
  const answered = await within(once(s, 'data'), started, started + ms);
  s.destroy();
  return { outcome: answered === undefined ? 'no answer' : `answered in ${answered} ms`, held: true };
}

/** A client of `draft` on `path` that waits for its close: the gateway must survive whatever happens. */
async function clientUntilClosed(
  url: string,
  draft: DraftId,
  protocols: string[],
  send?: string,
): Promise<string> {
  const conn = connect(url, { draft, protocols });
  conn.on('error', () => {});
  conn.on('open', () => {
    if (send !== undefined) conn.send(send);
  });
  const closed = new Promise<string>((resolve) =>
    conn.once('close', (code: number) => resolve(String(code))),
  );
  const timer = setTimeout(() => conn.terminate(), 3000);
  const code = await closed;
  clearTimeout(timer);
  return code;
}

/** Issue 11's gateway rows: the upstream closes with 1008-1011, dies or sends too much, to old drafts. */
export async function upstreamMisbehaves(port: number, alive: () => boolean): Promise<AttackOutcome> {
  const cases = ['close/1008', 'close/1009', 'close/1010', 'close/1011', 'die', 'big'];
  const codes: string[] = [];
  let survived = 0;
  let total = 0;
  for (const draft of ['hybi-07', 'hybi-10'] as const)
    for (const path of cases) {
      if (!alive()) break;
      total++;
      codes.push(`${draft} ${path}: ${await clientUntilClosed(`ws://127.0.0.1:${port}/${path}`, draft, [])}`);
      await new Promise((r) => setTimeout(r, 50));
      if (alive()) survived++;
    }
  return {
    outcome: `gateway up after ${survived} of ${cases.length * 2} cases`,
    held: survived === cases.length * 2 && total > 0,
  };
}

/** tcp:// mode: a hybi-07 client in base64 framing sends text that is not base64 (the gateway answers 1007). */
export async function tcpNotBase64(port: number, alive: () => boolean): Promise<AttackOutcome> {
  const code = await clientUntilClosed(`ws://127.0.0.1:${port}/`, 'hybi-07', ['base64'], 'not base64 !!');
  await new Promise((r) => setTimeout(r, 100));
  return { outcome: `client closed with ${code}; gateway ${alive() ? 'up' : 'down'}`, held: alive() };
}
