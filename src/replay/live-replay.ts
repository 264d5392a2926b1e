// Live replay: sends a trace's client segments to a real server over TCP, boundaries kept, and compares answers.
import { connect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { parseRequestHead, parseResponseHead } from '../core/http-head.js';
import { type PerMessageDeflateOptions, resolveCompression } from '../node/compression-options.js';
import type { Difference } from './compare.js';
import { type Fixture, streamOf } from './fixture.js';
import { compareOutcome } from './replay.js';

export interface LiveTarget {
  readonly host: string;
  readonly port: number;
  /** wss://: the segments go through TLS (the recorded bytes are what travels inside it). */
  readonly secure?: boolean;
}

export interface LiveOptions {
  /** Pause between client segments so each leaves as its own TCP segment. */
  readonly gapMs?: number;
  /** How long the server may stay silent after the last segment before we stop listening (at least 1 s
   * while it has sent nothing at all). */
  readonly idleMs?: number;
  readonly timeoutMs?: number;
  /** wss:// only: extra CA certificates to trust (PEM), or `false` to accept any certificate. */
  readonly ca?: string | Buffer;
  readonly rejectUnauthorized?: boolean;
}

/** `ws://HOST:PORT[/...]` or `wss://...` -> host, port and TLS; throws TypeError on anything else. */
export function parseTarget(url: string): LiveTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`not a URL: ${url}`);
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:')
    throw new TypeError(`--target must be a ws:// or wss:// URL, got ${u.protocol}`);
  const secure = u.protocol === 'wss:';
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (secure ? 443 : 80)), secure };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the server sent back to the recorded client bytes. */
export function sendSegments(f: Fixture, target: LiveTarget, o: LiveOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = target.secure
      ? tlsConnect({
          host: target.host,
          port: target.port,
          // SNI takes host names only (RFC 6066 §3).
          ...(isIP(target.host) ? {} : { servername: target.host }),
          ...(o.ca === undefined ? {} : { ca: o.ca }),
          ...(o.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: o.rejectUnauthorized }),
        })
      : connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    const received: Buffer[] = [];
    let idle: NodeJS.Timeout | undefined;
    let sentAll = false;
    let connected = false;
    const done = () => {
      clearTimeout(idle);
      clearTimeout(overall);
      socket.destroy();
      resolve(Buffer.concat(received));
    };
    const overall = setTimeout(done, o.timeoutMs ?? 5000);
    const arm = () => {
      clearTimeout(idle);
      // Before the first answer byte the wait is longer: a busy server is slow to answer at all, and
      // "no answer" must mean the server chose silence, not that it was descheduled.
      const quiet = o.idleMs ?? 300;
      if (sentAll) idle = setTimeout(done, received.length === 0 ? Math.max(1000, quiet * 4) : quiet);
    };
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      arm();
    });
    socket.on('close', done);
    socket.on('error', (err) => {
      // A server that resets after answering still answered; only a failed connect is an error.
      if (received.length === 0 && !connected) {
        clearTimeout(overall);
        reject(err);
      } else done();
    });
    socket.on(target.secure ? 'secureConnect' : 'connect', async () => {
      connected = true;
      for (const s of f.segments) {
        if (s.dir !== 'client' || socket.destroyed) continue;
        if (s.kind === 'end') socket.end();
        else {
          socket.write(s.bytes);
          await sleep(o.gapMs ?? 20);
        }
      }
      sentAll = true;
      arm();
    });
  });
}

/**
 * Replay `f` against a live server. The server's events are invisible from outside, so only the answer
 * is compared: status, head (semantically) and the bytes after it.
 */
export async function replayLive(f: Fixture, target: LiveTarget, o: LiveOptions = {}): Promise<Difference[]> {
  const answer = await sendSegments(f, target, o);
  const parsed = parseResponseHead(answer);
  const status = parsed.kind === 'head' ? parsed.head.status : undefined;
  const recorded = Buffer.concat(
    f.segments.flatMap((s) => (s.dir === 'server' && s.kind === 'data' ? [s.bytes] : [])),
  );
  const asServer: Fixture = { ...f, role: 'server', expectEvents: [] };
  return compareOutcome(asServer, { output: answer, status, events: [] }, recorded, 'server');
}

/** A live target's perMessageDeflate option, as `createServer` takes it (undefined or false: off). */
export type TargetCompression = boolean | PerMessageDeflateOptions | undefined;

/** Whether the client's request offers any extension (then the answer depends on the server's option). */
function offersExtension(f: Fixture): boolean {
  const head = parseRequestHead(streamOf(f, 'client'));
  return (
    head.kind === 'head' && head.head.headers.some(([n]) => n.toLowerCase() === 'sec-websocket-extensions')
  );
}

/** Both options resolved as createServer resolves them, so `true` equals `{}` and defaults equal their values. */
function sameCompression(a: TargetCompression, b: TargetCompression): boolean {
  const key = (v: TargetCompression): string => {
    const r = resolveCompression('createServer', v);
    return r === undefined ? 'off' : canonicalJson(r);
  };
  return key(a) === key(b);
}

function canonicalJson(v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/**
 * Why `f` cannot be replayed against a live server running with `target` compression, or undefined when it
 * can. A trace whose client offers an extension fits only a server with the option it was recorded against:
 * `compression` (role server) or `server-compression` (role client, our server); a role-client trace that
 * offered compression to another implementation's server fits only that server (replayLive it directly).
 */
export function liveSkipReason(f: Fixture, target: TargetCompression = undefined): string | undefined {
  if (f.role === 'client' && f.expectEvents.some((e) => e.type === 'fail' && e.fault === 'HANDSHAKE_REFUSED'))
    return 'our client refusing a bad answer cannot be replayed against a server';
  if (!offersExtension(f)) return undefined;
  if (f.role === 'client' && f.compression !== undefined && f.serverCompression === undefined)
    return "recorded against another implementation's compressing server: replay it against that server";
  const recorded = f.role === 'server' ? f.compression : f.serverCompression;
  if (sameCompression(recorded, target)) return undefined;
  const say = (v: TargetCompression) => (v === undefined || v === false ? 'none' : JSON.stringify(v));
  return `recorded against a server with compression ${say(recorded)}, the target has ${say(target)} (--target-compression)`;
}

/** Traces that fit a live server without compression (`wscompat serve` with no flags). */
export function liveReplayable(f: Fixture): boolean {
  return liveSkipReason(f) === undefined;
}
