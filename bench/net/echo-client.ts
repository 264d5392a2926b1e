// Child process: loopback echo load from pre-masked frames (RFC 6455 §5.3); cheap enough never to be the bottleneck.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { childConfig, childMain, toParent } from '../lib/child.js';
import { payload, wsFrame } from '../lib/frames.js';
import { openMany } from './raw-ws.js';

export interface EchoConfig {
  readonly port: number;
  /** `none`: the raw TCP echo, which gets the masked frame back unchanged. */
  readonly draft: 'rfc6455' | 'none';
  /** Text (printable ASCII, checked for UTF-8 by the server) or random binary. */
  readonly kind: 'text' | 'binary';
  readonly conns: number;
  readonly size: number;
  /** Messages each connection keeps in flight; completions are refilled with one write per read. */
  readonly window: number;
  readonly warmupMs: number;
  readonly measureMs: number;
}

export interface EchoFigure {
  readonly msgsPerSec: number;
  readonly p50us: number;
  readonly p99us: number;
  readonly messages: number;
  /** Every message echoed, warm-up and the correctness check included (for the server's CPU per message). */
  readonly echoedTotal: number;
}

const MAX_SAMPLES = 4_000_000;

function waitEcho(socket: Socket, expected: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('no echo within 10 s')), 10_000);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      if (err) reject(err);
      else resolve();
    };
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      if (got.length < expected.length) return;
      if (!got.equals(expected)) finish(new Error(`wrong echo: ${got.subarray(0, 16).toString('hex')}...`));
      else finish();
    };
    socket.on('data', onData);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

childMain(async () => {
  const cfg = childConfig<EchoConfig>();
  const data = payload(cfg.size, cfg.kind);
  const opcode = cfg.kind === 'text' ? 0x1 : 0x2;
  const frame = wsFrame(opcode, data, Buffer.from([0x37, 0xfa, 0x21, 0x3d]));
  const reply = cfg.draft === 'none' ? frame : wsFrame(opcode, data);
  const burst = Buffer.concat(Array.from({ length: cfg.window }, () => frame));
  const sockets = await openMany(cfg.port, cfg.draft, cfg.conns);
  // Correctness first: every connection must echo one message byte for byte.
  await Promise.all(
    sockets.map((s) => {
      const echoed = waitEcho(s, reply);
      s.write(frame);
      return echoed;
    }),
  );

  const samples = new Float64Array(MAX_SAMPLES);
  let sampleCount = 0;
  let recording = false;
  let sending = true;
  let completed = 0;
  // The correctness check echoed one message per connection.
  let echoedTotal = sockets.length;
  let inFlight = 0;
  let failure: Error | undefined;
  for (const socket of sockets) {
    // A ring of send times per connection: replies come back in order.
    const sent = new Float64Array(cfg.window);
    let head = 0;
    let count = 0;
    let partial = 0;
    socket.on('error', (err) => {
      failure ??= err;
    });
    socket.on('close', () => {
      if (sending) failure ??= new Error('server closed a connection during the run');
    });
    socket.on('data', (chunk: Buffer) => {
      const now = performance.now();
      partial += chunk.length;
      let done = Math.floor(partial / reply.length);
      partial -= done * reply.length;
      if (done > count) {
        failure ??= new Error('more echo bytes than messages sent');
        done = count;
      }
      for (let i = 0; i < done; i++) {
        if (recording && sampleCount < MAX_SAMPLES) samples[sampleCount++] = now - sent[head]!;
        head = (head + 1) % cfg.window;
      }
      count -= done;
      inFlight -= done;
      if (recording) completed += done;
      echoedTotal += done;
      if (sending && done > 0) {
        for (let i = 0; i < done; i++) sent[(head + count + i) % cfg.window] = now;
        count += done;
        inFlight += done;
        socket.write(burst.subarray(0, done * frame.length));
      }
    });
    const now = performance.now();
    sent.fill(now);
    count = cfg.window;
    inFlight += cfg.window;
    socket.write(burst);
  }

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  await sleep(cfg.warmupMs);
  recording = true;
  const t0 = performance.now();
  // Watch for a stalled server: a hang must end the run, not freeze it.
  let last = -1;
  while (performance.now() - t0 < cfg.measureMs && !failure) {
    await sleep(Math.min(1000, cfg.measureMs));
    if (completed === last) failure = new Error('no echo for a second: the server stalled');
    last = completed;
  }
  const elapsed = performance.now() - t0;
  recording = false;
  sending = false;
  const drainEnd = performance.now() + 5000;
  while (inFlight > 0 && performance.now() < drainEnd && !failure) await sleep(10);
  for (const s of sockets) s.destroy();
  if (failure) throw failure;
  const sorted = samples.subarray(0, sampleCount).sort();
  const figure: EchoFigure = {
    msgsPerSec: completed / (elapsed / 1000),
    p50us: percentile(sorted, 50) * 1000,
    p99us: percentile(sorted, 99) * 1000,
    messages: completed,
    echoedTotal,
  };
  toParent({ type: 'figure', figure });
  setTimeout(() => process.exit(0), 50);
});
