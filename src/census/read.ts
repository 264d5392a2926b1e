// Handshakes from files: packet captures (by their magic number) or gateway JSON-lines logs, streamed.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { LogRecord } from '../gateway/log.js';
import { readCapture } from '../replay/pcap.js';
import { type Handshake, handshakeFromLog, handshakeFromRequest } from './handshake.js';

/** Client bytes kept per connection: enough for any handshake head (and hixie-76's 8-byte body). */
const HEAD_BYTES = 64 * 1024;
const CAPTURE_MAGICS = new Set([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a]);

export async function isCapture(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && CAPTURE_MAGICS.has(b.readUInt32LE(0));
  } finally {
    await fh.close();
  }
}

/** Every WebSocket handshake a client sent in the capture, timed by its connection's first packet. */
export async function captureHandshakes(file: string, add: (h: Handshake) => void): Promise<void> {
  await readCapture(
    file,
    (c) => {
      const client = Buffer.concat(
        c.pieces.flatMap((p) => (p.dir === 'client' && p.kind === 'data' ? [p.bytes] : [])),
      );
      const h = handshakeFromRequest(client, c.firstSeen);
      if (h) add(h);
    },
    { maxBytesPerSide: HEAD_BYTES },
  );
}

/** Handshakes in a gateway log; returns the numbers of the lines that were not log records. */
export async function logHandshakes(file: string, add: (h: Handshake) => void): Promise<number[]> {
  const bad: number[] = [];
  let n = 0;
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
    } catch {
      bad.push(n);
      continue;
    }
    if (typeof record !== 'object' || record === null || typeof record.event !== 'string') {
      bad.push(n);
      continue;
    }
    const h = handshakeFromLog(record);
    if (h) add(h);
  }
  return bad;
}
