// The normal client beside each attack: one message every 100 ms through the target; "served" means every
// one came back within two seconds while the attack ran.
import type { Connection } from '../../src/connection/connection.js';
import { connect } from '../../src/node/client.js';

const EVERY_MS = 100;
const LATE_MS = 2000;

export interface Prober {
  /** Stop; the verdict and the slowest round trip. */
  stop(): { served: boolean; maxMs: number; answered: number };
}

export async function startProber(port: number, secure = false): Promise<Prober> {
  const conn: Connection = secure
    ? connect(`wss://127.0.0.1:${port}/probe`, { rejectUnauthorized: false })
    : connect(`ws://127.0.0.1:${port}/probe`);
  conn.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    conn.once('open', () => resolve());
    conn.once('close', () => reject(new Error('prober could not connect')));
  });
  const sent = new Map<number, number>();
  let maxMs = 0;
  let answered = 0;
  let lost = false;
  let seq = 0;
  conn.on('message', (data: Buffer) => {
    const n = Number(data.toString());
    const at = sent.get(n);
    if (at === undefined) return;
    sent.delete(n);
    answered++;
    maxMs = Math.max(maxMs, Date.now() - at);
  });
  conn.on('close', () => {
    lost = true;
  });
  const timer = setInterval(() => {
    if (conn.readyState !== conn.OPEN) return;
    sent.set(seq, Date.now());
    conn.send(String(seq++));
  }, EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      const now = Date.now();
      for (const at of sent.values()) maxMs = Math.max(maxMs, now - at);
      conn.terminate();
      return { served: !lost && answered > 0 && maxMs < LATE_MS, maxMs, answered };
    },
  };
}
