// npm run fuzz -- --seconds N [--seed S]: mutated fixture traces fed, for a time budget, into every codec
// (each draft, both roles, random chunking) and into the sniffer (head parser, sniff, inspect, negotiate)
// and the client's reading of a handshake answer. Peer input must never throw, never make a codec hold
// more than its limits, never be followed by events after a failure, and never take long to process.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHandshakeResponse } from '../src/core/client-handshake.js';
import { findHeadEnd, parseRequestHead } from '../src/core/http-head.js';
import { seededRng } from '../src/core/rng.js';
import { ALL_DRAFTS, type Codec, type CodecEvent, type DraftId, type Role } from '../src/core/types.js';
import { getDraft } from '../src/drafts.js';
import { streamOf } from '../src/replay/fixture.js';
import { parseFixture } from '../src/replay/fixture-parse.js';
import { inspect } from '../src/sniff/inspect.js';
import { negotiate } from '../src/sniff/negotiate.js';
import { sniff } from '../src/sniff/sniff.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} needs a number`);
  return v;
};
const seconds = arg('--seconds', 10);
const seed = arg('--seed', Date.now() % 1_000_000);
const MAX_PAYLOAD = 64 * 1024;
/** An input taking longer than this to process is a finding (quadratic parsing, endless loops). */
const SLOW_MS = 500;

/** xorshift32: reproducible from --seed (the library's own rng is for masks, not for choices). */
let state = seed || 1;
function rand(n: number): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) % n;
}

interface Sample {
  readonly draft: DraftId;
  readonly client: Buffer;
  readonly server: Buffer;
}

function corpus(): Sample[] {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
  const out: Sample[] = [];
  for (const dir of readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of readdirSync(join(root, dir.name)).filter((f) => f.endsWith('.trace'))) {
      const path = join(root, dir.name, file);
      const f = parseFixture(readFileSync(path, 'utf8'), path);
      out.push({ draft: f.draft, client: streamOf(f, 'client'), server: streamOf(f, 'server') });
    }
  }
  return out;
}

const INTERESTING = [0x00, 0x01, 0x7e, 0x7f, 0x80, 0x81, 0x88, 0x89, 0x8a, 0xfe, 0xff, 0x0d, 0x0a, 0x20];

function mutate(input: Buffer, other: Buffer): Buffer {
  let b = Buffer.from(input);
  const rounds = 1 + rand(4);
  for (let r = 0; r < rounds; r++) {
    const at = b.length === 0 ? 0 : rand(b.length);
    switch (rand(7)) {
      case 0:
        if (b.length > 0) b[at] = b[at]! ^ (1 << rand(8));
        break;
      case 1:
        if (b.length > 0) b[at] = INTERESTING[rand(INTERESTING.length)]!;
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([rand(256), rand(256)]), b.subarray(at)]);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rand(16))]);
        break;
      case 4: {
        const len = 1 + rand(64);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
        break;
      }
      case 5: {
        const from = other.length === 0 ? 0 : rand(other.length);
        b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + 1 + rand(128))]);
        break;
      }
      default:
        b = b.subarray(0, at);
    }
  }
  return b;
}

/** Feed `bytes` in random chunks; checks the codec's contract after every push. */
function runCodec(draft: DraftId, role: Role, bytes: Buffer): void {
  const codec: Codec = getDraft(draft).createCodec(role, {
    maxPayload: MAX_PAYLOAD,
    maxFragments: 1 + rand(64),
    rng: seededRng(seed),
  });
  let failed = false;
  const check = (events: CodecEvent[]): void => {
    for (const e of events) {
      if (failed) throw new Error(`${e.type} event after a fail`);
      if (e.type === 'fail') failed = true;
    }
    // A frame header is at most 14 bytes; everything else held is bounded by maxPayload.
    if (codec.bufferedBytes > MAX_PAYLOAD + 14) throw new Error(`holds ${codec.bufferedBytes} bytes`);
  };
  let pos = 0;
  while (pos < bytes.length) {
    const n = 1 + rand(Math.min(4096, bytes.length - pos));
    check(codec.push(Buffer.from(bytes.subarray(pos, pos + n))));
    pos += n;
  }
  check(codec.end());
}

/** The frames after a head (and the hixie-76 body): what a codec sees. */
function framesOf(stream: Buffer, body: number): Buffer {
  const end = findHeadEnd(stream, 64 * 1024);
  return end < 0 ? stream : stream.subarray(end + body);
}

function runSniffer(draft: DraftId, client: Buffer, server: Buffer): void {
  const parsed = parseRequestHead(client);
  if (parsed.kind === 'head') {
    const body = client.subarray(parsed.consumed);
    sniff(parsed.head);
    inspect(parsed.head, body);
    negotiate(parsed.head, { drafts: ALL_DRAFTS, secure: rand(2) === 0 });
  }
  const request = getDraft(draft).buildRequest({
    url: new URL('ws://127.0.0.1:8080/'),
    protocols: [],
    rng: seededRng(seed),
  });
  readHandshakeResponse(server, request);
}

function main(): number {
  const samples = corpus();
  const counts = { codec: 0, sniffer: 0 };
  let slowest = 0;
  const until = Date.now() + seconds * 1000;
  let i = 0;
  for (; Date.now() < until; i++) {
    const s = samples[rand(samples.length)]!;
    const other = samples[rand(samples.length)]!;
    const client = mutate(s.client, other.client);
    const server = mutate(s.server, other.server);
    const started = performance.now();
    let what = 'sniffer';
    try {
      runSniffer(s.draft, client, server);
      counts.sniffer++;
      for (const draft of ALL_DRAFTS) {
        what = `${draft} server codec`;
        runCodec(draft, 'server', framesOf(client, draft === 'hixie-76' ? 8 : 0));
        what = `${draft} client codec`;
        runCodec(draft, 'client', framesOf(server, draft === 'hixie-76' ? 16 : 0));
        counts.codec += 2;
      }
      const ms = performance.now() - started;
      slowest = Math.max(slowest, ms);
      // The first inputs also pay for compiling the code under test.
      if (ms > SLOW_MS && i > 200) throw new Error(`took ${ms.toFixed(0)} ms`);
    } catch (err) {
      const file = `/tmp/wscompat-fuzz-${seed}-${i}.json`;
      writeFileSync(
        file,
        JSON.stringify({ seed, i, what, client: client.toString('hex'), server: server.toString('hex') }),
      );
      process.stderr.write(
        `fuzz: ${what} failed on input ${i} (seed ${seed}): ${(err as Error).stack}\ninput: ${file}\n`,
      );
      return 1;
    }
  }
  process.stdout.write(
    `fuzz: seed ${seed}, ${seconds} s, ${i} mutated traces from ${samples.length} fixtures: ` +
      `${counts.codec} codec runs (5 drafts x 2 roles), ${counts.sniffer} sniffer runs, ` +
      `slowest input ${slowest.toFixed(1)} ms, no finding\n`,
  );
  return 0;
}

process.exit(main());
