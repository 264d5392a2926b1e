// Child process: opens N upgraded connections and holds them idle until the parent has read the server's memory.
import { childConfig, childMain, toParent } from '../lib/child.js';
import { openMany } from './raw-ws.js';

export interface IdleConfig {
  readonly port: number;
  readonly draft: 'rfc6455' | 'none';
  readonly count: number;
}

childMain(async () => {
  const cfg = childConfig<IdleConfig>();
  const sockets = await openMany(cfg.port, cfg.draft, cfg.count);
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
