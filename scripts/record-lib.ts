// Helpers for the trace-recording scripts: raw TCP clients, independent frame builders, fixture writing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { DraftId } from '../src/core/types.js';
import { type FixtureInput, serializeFixture } from '../src/replay/fixture-write.js';
import type { RecordedConnection } from '../src/replay/recorder.js';
import { startRecorder } from '../src/replay/recorder.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run `client(proxyPort)` through a recording proxy in front of `upstreamPort`; returns the one connection. */
export async function recordOne(
  upstreamPort: number,
  client: (port: number) => Promise<unknown>,
): Promise<RecordedConnection> {
  const seen: RecordedConnection[] = [];
  const rec = await startRecorder({
    listenPort: 0,
    upstreamHost: '127.0.0.1',
    upstreamPort,
    onConnection: (c) => seen.push(c),
  });
  try {
    await client(rec.port);
    for (let i = 0; i < 100 && seen.length === 0; i++) await sleep(20);
  } finally {
    await rec.close();
  }
  const c = seen[0];
  if (!c) throw new Error('the recorder saw no finished connection');
  return c;
}

/** Write raw segments, 30 ms apart (so they stay separate segments), then half-close after the server goes idle. */
export function rawClient(
  port: number,
  segments: readonly Buffer[],
  options: { end?: boolean } = {},
): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.setNoDelay(true);
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => (options.end === false ? s.destroy() : s.end()), 250);
    };
    s.on('data', arm);
    s.on('error', () => resolve());
    s.on('close', () => {
      clearTimeout(idle);
      resolve();
    });
    s.on('connect', async () => {
      for (const seg of segments) {
        s.write(seg);
        await sleep(30);
      }
      arm();
    });
  });
}

/** A hybi frame built here, independently of the code under test (RFC 6455 §5.2). */
export function frame(
  opcode: number,
  payload: Buffer | string,
  o: { mask?: Buffer; fin?: boolean; rsv?: number } = {},
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const head: number[] = [((o.fin ?? true) ? 0x80 : 0) | (o.rsv ?? 0) | opcode];
  const m = o.mask ? 0x80 : 0;
  if (data.length < 126) head.push(m | data.length);
  else if (data.length < 65536) head.push(m | 126, data.length >> 8, data.length & 0xff);
  else {
    const l = Buffer.alloc(8);
    l.writeBigUInt64BE(BigInt(data.length));
    head.push(m | 127, ...l);
  }
  if (!o.mask) return Buffer.concat([Buffer.from(head), data]);
  const body = Buffer.from(data.map((b, i) => b ^ o.mask![i % 4]!));
  return Buffer.concat([Buffer.from(head), o.mask, body]);
}

export const MASK = Buffer.from('37fa213d', 'hex');

export function hixieText(s: string): Buffer {
  return Buffer.concat([Buffer.from([0]), Buffer.from(s), Buffer.from([0xff])]);
}

export function head(lines: readonly string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

export type TraceMeta = Omit<FixtureInput, 'segments' | 'draft'> & { readonly draft: DraftId };

export const DEFAULTS = {
  notes: [],
  url: undefined,
  protocols: [],
  origin: undefined,
  serverProtocols: [],
  serverDrafts: undefined,
  rng: Buffer.alloc(0),
  app: 'echo',
  sends: [],
  expectHeaders: [],
  varyHeaders: [],
  stream: 'compare',
} as const;

export function writeTrace(name: string, meta: TraceMeta, rec: RecordedConnection): string {
  const dir = join(FIXTURES, meta.draft);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.trace`);
  writeFileSync(file, serializeFixture({ ...meta, segments: rec.segments }));
  return file;
}

/** npm ws client: sends each message after the echo of the one before, then closes 1000 "bye". */
export async function wsSendInTurn(
  port: number,
  messages: readonly string[],
  perMessageDeflate: { threshold: number },
): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate });
  await new Promise<void>((resolve, reject) => {
    const queue = [...messages];
    const next = (): void => {
      const m = queue.shift();
      if (m === undefined) ws.close(1000, 'bye');
      else ws.send(m);
    };
    ws.on('open', next);
    ws.on('message', next);
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
}
