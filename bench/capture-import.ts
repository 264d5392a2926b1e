// Import cost of the pure TypeScript capture reader:
//   npx tsx bench/capture-import.ts [CONNECTIONS] [OPEN] [--keep FILE | --capture FILE] [--phases read,import]
// Writes a pcap of CONNECTIONS RFC 6455 connections (about 11.8 KB each on the wire, near the issue's 1 GB /
// 100,000 ratio), OPEN of them interleaved at a time (or reuses --capture FILE), then measures, each in a
// fresh child process so the figures are its own: (1) reading + reassembly alone and (2) import-pcap writing
// every fixture. Reported per phase: CPU seconds (user + system: what the machine is shared on), wall
// seconds, peak RSS, and the CPU extrapolated linearly to 1 GB.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run as importPcap } from '../src/cli/commands/import-pcap.js';
import { readCapture } from '../src/replay/pcap.js';
import type { RecordedSegment } from '../src/replay/recorder.js';
import { conversation, ipPacket, linkFrame } from '../test/capture/capture-writer.js';

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

async function writeCapture(file: string, total: number, open: number): Promise<void> {
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

interface Phase {
  readonly cpuS: number;
  readonly wallS: number;
  readonly peakRssMb: number;
  readonly detail: string;
}

/** Child side: run one phase on FILE and print its figures as JSON on the last line. */
async function phase(which: string, file: string, out: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let detail: string;
  if (which === 'read') {
    let seen = 0;
    const stats = await readCapture(file, () => {
      seen++;
    });
    detail = `${stats.frames} frames, ${seen} connections, peak ${stats.peakOpen} open`;
  } else {
    const log = process.stderr.write.bind(process.stderr);
    const say = process.stdout.write.bind(process.stdout);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const code = await importPcap([file, '--out', out]);
    process.stderr.write = log;
    process.stdout.write = say;
    detail = `exit ${code}, ${readdirSync(out).length} fixtures`;
  }
  const cpu = process.cpuUsage(cpu0);
  const result: Phase = {
    cpuS: (cpu.user + cpu.system) / 1e6,
    wallS: (performance.now() - t0) / 1000,
    // maxRSS is in KiB.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    detail,
  };
  console.log(JSON.stringify(result));
}

function runPhase(which: string, file: string, out: string): Phase {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--phase', which, file, out], {
    encoding: 'utf8',
    // `--import tsx` resolves from the working directory: the repository's.
    cwd: join(dirname(self), '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`phase ${which} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Phase;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--phase') return phase(argv[1]!, argv[2]!, argv[3]!);
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv.splice(i, 2)[1];
  };
  const keep = flag('--keep');
  const given = flag('--capture');
  const phases = (flag('--phases') ?? 'read,import').split(',');
  const total = Number(argv[0] ?? 10_000);
  const open = Number(argv[1] ?? 500);
  const dir = mkdtempSync(join(tmpdir(), 'wscompat-capture-bench-'));
  try {
    const file = given ?? keep ?? join(dir, 'big.pcap');
    if (!given) await writeCapture(file, total, open);
    const size = statSync(file).size;
    const scale = 1e9 / size;
    console.log(
      `capture: ${file}, ${(size / 1e6).toFixed(1)} MB${given ? '' : `, ${total} connections, ${open} open at once`}`,
    );
    for (const [which, label] of [
      ['read', 'read + reassemble'],
      ['import', 'import-pcap (fixtures written)'],
    ] as const) {
      if (!phases.includes(which)) continue;
      const out = join(dir, `out-${which}`);
      const p = runPhase(which, file, out);
      rmSync(out, { recursive: true, force: true });
      console.log(
        `${label}: ${p.cpuS.toFixed(2)} s CPU (${(p.cpuS * scale).toFixed(1)} s CPU per GB), ${p.wallS.toFixed(2)} s wall, peak RSS ${p.peakRssMb.toFixed(0)} MB; ${p.detail}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
