// Child process: opening handshakes per second (upgrade, close frame, server closes TCP), a fixed concurrency.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { childConfig, childMain, toParent } from '../lib/child.js';
import { wsFrame } from '../lib/frames.js';
import { type HandshakeDraft, openSocket, readUpgrade, upgradeRequest } from './raw-ws.js';

export interface HandshakeConfig {
  readonly port: number;
  /** `none`: the raw TCP echo: the request comes back, then the client ends the connection. */
  readonly draft: HandshakeDraft | 'none';
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Set: exactly this many handshakes, no warm-up, then the figure (for CPU time per handshake). */
  readonly count?: number;
  readonly timeoutMs?: number;
}

/** Per handshake; `timeoutMs` in the config overrides it (a server under valgrind answers ~50x slower). */
let TIMEOUT = 10_000;
// RFC 6455 §5.5.1 close 1000, masked; hixie-76 §4.2 closing frame.
const CLOSE: Record<HandshakeDraft, Buffer> = {
  rfc6455: wsFrame(0x8, Buffer.from([0x03, 0xe8]), Buffer.from([1, 2, 3, 4])),
  'hixie-76': Buffer.from([0xff, 0x00]),
};

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`server did not close within ${TIMEOUT} ms`));
    }, TIMEOUT);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    // The server closes first (RFC 6455 §7.1.1), so TIME_WAIT stays on its side, not on our ports.
    socket.once('end', () => socket.destroy());
  });
}

async function oneHandshake(cfg: HandshakeConfig): Promise<void> {
  const socket = await openSocket(cfg.port);
  const draft = cfg.draft === 'none' ? 'rfc6455' : cfg.draft;
  const req = upgradeRequest(draft, cfg.port);
  if (cfg.draft === 'none') {
    let got = 0;
    const echoed = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= req.bytes.length) resolve();
      });
    });
    socket.write(req.bytes);
    await echoed;
    const done = closed(socket);
    socket.end();
    return done;
  }
  const answer = readUpgrade(socket, req.bodyLength, TIMEOUT);
  socket.write(req.bytes);
  try {
    await answer;
  } catch (err) {
    socket.destroy();
    throw err;
  }
  const done = closed(socket);
  socket.write(CLOSE[draft]);
  return done;
}

/** Exactly `count` handshakes from `concurrency` loops; the first failure ends the run. */
async function fixedCount(
  cfg: HandshakeConfig,
  count: number,
): Promise<{ perSec: number; completed: number }> {
  let claimed = 0;
  let completed = 0;
  let failure: Error | undefined;
  const worker = async (): Promise<void> => {
    while (claimed < count && !failure) {
      claimed++;
      try {
        await oneHandshake(cfg);
        completed++;
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error(String(err));
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(cfg.concurrency, count) }, worker));
  if (failure) throw failure;
  return { perSec: completed / ((performance.now() - t0) / 1000), completed };
}

async function forDuration(cfg: HandshakeConfig): Promise<{ perSec: number; completed: number }> {
  let recording = false;
  let running = true;
  let completed = 0;
  let failure: Error | undefined;
  const worker = async (): Promise<void> => {
    while (running && !failure) {
      try {
        await oneHandshake(cfg);
        if (recording) completed++;
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error(String(err));
      }
    }
  };
  const workers = Array.from({ length: cfg.concurrency }, worker);
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  await sleep(cfg.warmupMs);
  recording = true;
  const t0 = performance.now();
  await sleep(cfg.measureMs);
  recording = false;
  const elapsed = performance.now() - t0;
  running = false;
  await Promise.all(workers);
  if (failure) throw failure;
  return { perSec: completed / (elapsed / 1000), completed };
}

childMain(async () => {
  const cfg = childConfig<HandshakeConfig>();
  TIMEOUT = cfg.timeoutMs ?? TIMEOUT;
  const figure = cfg.count === undefined ? await forDuration(cfg) : await fixedCount(cfg, cfg.count);
  toParent({ type: 'figure', figure });
  setTimeout(() => process.exit(0), 50);
});
