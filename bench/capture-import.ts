// Import speed of the pure TypeScript capture reader: `npx tsx bench/capture-import.ts [CONNECTIONS] [OPEN]`.
// Writes a pcap of CONNECTIONS RFC 6455 connections (about 11.8 KB each on the wire, near the 1 GB / 100,000 ratio),
// OPEN of them interleaved at a time, then times (1) reading + reassembly alone and (2) import-pcap
// writing every fixture, and extrapolates to 1 GB.
import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as importPcap } from '../src/cli/commands/import-pcap.js';
import { readCapture } from '../src/replay/pcap.js';
import type { RecordedSegment } from '../src/replay/recorder.js';
import { conversation, ipPacket, linkFrame } from '../test/capture/capture-writer.js';

const total = Number(process.argv[2] ?? 10_000);
const open = Number(process.argv[3] ?? 500);

function masked(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}
function unmasked(opcode: number, payload: Buffer): Buffer {
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length])
      : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, payload]);
}

/** A handshake, 8 echoed 600-byte text messages and a close handshake: about 10.4 KB on the wire. */
function connectionSegments(): RecordedSegment[] {
  const request = Buffer.from(
    'GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const response = Buffer.from(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
  );
  const segs: RecordedSegment[] = [
    { dir: 'client', kind: 'data', bytes: request },
    { dir: 'server', kind: 'data', bytes: response },
  ];
  const text = Buffer.from('x'.repeat(600));
  for (let i = 0; i < 8; i++)
    segs.push(
      { dir: 'client', kind: 'data', bytes: masked(1, text) },
      { dir: 'server', kind: 'data', bytes: unmasked(1, text) },
    );
  segs.push(
    { dir: 'client', kind: 'data', bytes: masked(8, Buffer.from([0x03, 0xe8])) },
    { dir: 'server', kind: 'data', bytes: unmasked(8, Buffer.from([0x03, 0xe8])) },
  );
  return segs;
}

async function writeCapture(file: string): Promise<void> {
  const out = createWriteStream(file);
  const write = (b: Buffer) =>
    out.write(b) ? undefined : new Promise<void>((r) => out.once('drain', () => r()));
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  await write(header);
  const packets = conversation(connectionSegments());
  let t = 0;
  for (let base = 0; base < total; base += open) {
    const batch = Math.min(open, total - base);
    // Round-robin across the batch: `batch` connections are open at once.
    for (const p of packets)
      for (let c = 0; c < batch; c++) {
        const n = base + c;
        const frame = linkFrame(
          1,
          ipPacket(p, { clientPort: 1024 + (n % 60_000), serverPort: 8080 + Math.floor(n / 60_000) }),
        );
        const rec = Buffer.alloc(16);
        t++;
        rec.writeUInt32LE(1_700_000_000 + Math.floor(t / 1000), 0);
        rec.writeUInt32LE((t % 1000) * 1000, 4);
        rec.writeUInt32LE(frame.length, 8);
        rec.writeUInt32LE(frame.length, 12);
        await write(Buffer.concat([rec, frame]));
      }
  }
  await new Promise<void>((r) => out.end(r));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wscompat-capture-bench-'));
  try {
    const file = join(dir, 'big.pcap');
    await writeCapture(file);
    const size = statSync(file).size;
    console.log(`capture: ${total} connections, ${open} open at once, ${(size / 1e6).toFixed(1)} MB`);
    let t0 = performance.now();
    let seen = 0;
    const stats = await readCapture(file, () => {
      seen++;
    });
    const readS = (performance.now() - t0) / 1000;
    const heap = process.memoryUsage().rss / 1e6;
    console.log(
      `read + reassemble: ${readS.toFixed(2)} s (${(size / 1e6 / readS).toFixed(1)} MB/s, ${stats.frames} frames, ${seen} connections, peak ${stats.peakOpen} open, rss ${heap.toFixed(0)} MB)`,
    );
    t0 = performance.now();
    const log = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    const code = await importPcap([file, '--out', join(dir, 'out')]);
    process.stderr.write = log;
    const importS = (performance.now() - t0) / 1000;
    const written = readdirSync(join(dir, 'out')).length;
    console.log(`import-pcap (fixtures written): ${importS.toFixed(2)} s, exit ${code}, ${written} fixtures`);
    const scale = 1e9 / size;
    console.log(
      `extrapolated to 1 GB (${Math.round(total * scale)} connections), linear: read ${(readS * scale).toFixed(0)} s, import ${(importS * scale).toFixed(0)} s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
