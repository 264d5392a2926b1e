// Child process: opens N upgraded connections and holds them idle until the parent has read the server's memory.
import type { Socket } from 'node:net';
import { constants, deflateRawSync } from 'node:zlib';
import { childConfig, childMain, toParent } from '../lib/child.js';
import { jsonPayload, wsFrame } from '../lib/frames.js';
import { FrameCounter } from './frame-counter.js';
import { openMany } from './raw-ws.js';

export interface IdleConfig {
  readonly port: number;
  readonly draft: 'rfc6455' | 'none';
  readonly count: number;
  /**
   * Offer permessage-deflate and exchange one compressed 2 KiB message on each connection first, so the
   * server holds whatever per-connection compression state it keeps between messages.
   */
  readonly compressed?: boolean;
}

const OFFER = 'permessage-deflate; client_max_window_bits';

/** One compressed message each, and its (compressed) echo counted back. */
async function exchangeOne(sockets: readonly Socket[]): Promise<void> {
  const z = deflateRawSync(jsonPayload(2048), { finishFlush: constants.Z_SYNC_FLUSH });
  const frame = wsFrame(0x1, z.subarray(0, z.length - 4), Buffer.from([1, 2, 3, 4]));
  frame[0] = 0xc1;
  // In batches: thousands of compressions queued at once would measure the burst, not the idle cost.
  for (let at = 0; at < sockets.length; at += 100)
    await Promise.all(
      sockets.slice(at, at + 100).map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            const counter = new FrameCounter();
            const timer = setTimeout(() => reject(new Error('no compressed echo within 30 s')), 30_000);
            const onData = (chunk: Buffer): void => {
              if (counter.push(chunk) === 0) return;
              clearTimeout(timer);
              s.off('data', onData);
              resolve();
            };
            s.on('data', onData);
            s.write(frame);
          }),
      ),
    );
}

childMain(async () => {
  const cfg = childConfig<IdleConfig>();
  const sockets = await openMany(cfg.port, cfg.draft, cfg.count, 64, cfg.compressed ? OFFER : undefined);
  if (cfg.compressed) await exchangeOne(sockets);
  let lost = 0;
  for (const s of sockets) {
    s.on('close', () => lost++);
    s.on('error', () => {});
  }
  toParent({ type: 'opened', count: sockets.length });
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'release') return;
    for (const s of sockets) s.destroy();
    toParent({ type: 'released', lost });
    setTimeout(() => process.exit(0), 50);
  });
});
