// `npx tsx bench/parser/faults.ts [text|binary] [size] [rounds]`: wscompat's RFC 6455 server parser in this
// process, masked frames in 64 KiB pieces: process CPU time and minor page faults per MiB over a fixed number
// of rounds (both survive a loaded machine), and which unmask backend ran. Run it in several processes
// (and with WSCOMPAT_NO_BUFFERUTIL=1) to see the allocator mode of each: docs/performance.md "Large messages".
import { MASK_BACKEND } from '../../src/family/hybi/mask.js';
import { buildStream, cut, prng } from '../lib/frames.js';
import { loadCodecApi } from '../lib/wscompat.js';

const PIECE = 64 * 1024;
const WARMUP_ROUNDS = 20;

async function main(): Promise<void> {
  const [kind = 'text', sizeArg = String(1024 * 1024), roundsArg = '100'] = process.argv.slice(2);
  if (kind !== 'text' && kind !== 'binary') throw new Error('kind is text or binary');
  const size = Number(sizeArg);
  const rounds = Number(roundsArg);
  const stream = buildStream('rfc6455', kind, size, 4 * 1024 * 1024);
  // Frames are unmasked in place: every round starts from a fresh copy of the masked bytes.
  const scratch = Buffer.allocUnsafe(stream.bytes.length);
  const pieces = cut(scratch, PIECE);
  const api = await loadCodecApi();
  const codec = api.getDraft('rfc6455').createCodec('server', { maxPayload: 64 << 20, rng: prng(1) });
  let messages = 0;
  const round = (): void => {
    scratch.set(stream.bytes);
    for (const piece of pieces)
      for (const ev of codec.push(piece)) {
        if (ev.type === 'text' || ev.type === 'binary') messages++;
        else if (ev.type === 'fail') throw new Error(`${ev.fault}: ${ev.message}`);
      }
  };
  for (let i = 0; i < WARMUP_ROUNDS; i++) round();
  const faults0 = process.resourceUsage().minorPageFault;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) round();
  const cpu = process.cpuUsage(cpu0);
  const faults = process.resourceUsage().minorPageFault - faults0;
  if (messages !== (WARMUP_ROUNDS + rounds) * stream.messages)
    throw new Error(`${messages} messages delivered`);
  const mib = (rounds * stream.payloadBytes) / (1024 * 1024);
  console.log(
    `${MASK_BACKEND} ${kind} ${size} B: CPU ${((cpu.user + cpu.system) / mib).toFixed(0)} us/MiB ` +
      `(system ${(cpu.system / mib).toFixed(0)}), page faults ${(faults / mib).toFixed(1)}/MiB`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
