// Child process: compressed echo load (RFC 7692). Each connection offers what browsers offer, then sends one
// pre-deflated frame over and over (valid whatever the server's window holds: it refers to nothing before it)
// and counts the server's compressed replies by their headers.

import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { childConfig, childMain, toParent } from '../lib/child.js';
import { jsonPayload, wsFrame } from '../lib/frames.js';
import { FrameCounter } from './frame-counter.js';
import { openMany } from './raw-ws.js';

export interface CompressedEchoConfig {
  readonly port: number;
  readonly conns: number;
  readonly size: number;
  readonly window: number;
  readonly warmupMs: number;
  readonly measureMs: number;
}

export interface CompressedEchoFigure {
  readonly msgsPerSec: number;
  readonly messages: number;
  /** Mean payload bytes of the server's compressed replies in the window: what each level costs on the wire. */
  readonly bytesPerMessage: number;
}

const OFFER = 'permessage-deflate; client_max_window_bits';
const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/** The first reply must be a compressed frame (RSV1) that inflates back to what was sent. */
function checkFirstEcho(socket: Socket, expected: Buffer): Promise<void> {
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
      if (got.length < 2) return;
      const len7 = got[1]! & 0x7f;
      const at = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
      if (got.length < at) return;
      const length = len7 === 126 ? got.readUInt16BE(2) : len7 === 127 ? got.readUInt32BE(6) : len7;
      if (got.length < at + length) return;
      if ((got[0]! & 0x40) === 0) {
        finish(new Error('the echo was not compressed (no RSV1)'));
        return;
      }
      const body = Buffer.concat([got.subarray(at, at + length), Buffer.from([0, 0, 0xff, 0xff])]);
      const plain = inflateRawSync(body, { finishFlush: constants.Z_SYNC_FLUSH });
      finish(plain.equals(expected) ? undefined : new Error('the echo did not inflate to the message'));
    };
    socket.on('data', onData);
  });
}

childMain(async () => {
  const cfg = childConfig<CompressedEchoConfig>();
  const data = jsonPayload(cfg.size);
  const z = deflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
  const frame = wsFrame(0x1, z.subarray(0, z.length - 4), MASK);
  frame[0] = 0xc1;
  const burst = Buffer.concat(Array.from({ length: cfg.window }, () => frame));
  const sockets = await openMany(cfg.port, 'rfc6455', cfg.conns, 64, OFFER);
  await Promise.all(
    sockets.map((s) => {
      const echoed = checkFirstEcho(s, data);
      s.write(frame);
      return echoed;
    }),
  );
  let recording = false;
  let sending = true;
  let completed = 0;
  let payloadBytes = 0;
  let inFlight = 0;
  let failure: Error | undefined;
  for (const socket of sockets) {
    const counter = new FrameCounter();
    socket.on('error', (err) => {
      failure ??= err;
    });
    socket.on('close', () => {
      if (sending) failure ??= new Error('server closed a connection during the run');
    });
    socket.on('data', (chunk: Buffer) => {
      const before = counter.payloadBytes;
      const done = counter.push(chunk);
      inFlight -= done;
      if (recording) {
        completed += done;
        payloadBytes += counter.payloadBytes - before;
      }
      if (sending && done > 0) {
        inFlight += done;
        for (let i = 0; i < done; i += cfg.window)
          socket.write(burst.subarray(0, Math.min(cfg.window, done - i) * frame.length));
      }
    });
    inFlight += cfg.window;
    socket.write(burst);
  }
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  await sleep(cfg.warmupMs);
  toParent({ type: 'measuring' });
  recording = true;
  const t0 = performance.now();
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
  const figure: CompressedEchoFigure = {
    msgsPerSec: completed / (elapsed / 1000),
    messages: completed,
    bytesPerMessage: completed > 0 ? payloadBytes / completed : 0,
  };
  toParent({ type: 'figure', figure });
  setTimeout(() => process.exit(0), 50);
});
