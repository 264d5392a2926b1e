// Frames spanning chunks (RFC 6455 §5.2, §5.3): gathered and unmasked piece by piece, with every unmask backend.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Codec, CodecEvent } from '../../src/core/types.js';
import { runs } from '../support/fc-runs.js';
import { seededBytes as bytes, rawFrame } from './helpers.js';

type Backend = 'native' | 'wasm' | 'js';

/** The switches that select each backend (empty = unset); mask.ts reads them when it loads. */
const ENV: Record<Backend, Record<string, string>> = {
  native: { WSCOMPAT_NO_BUFFERUTIL: '', WSCOMPAT_NO_WASM: '' },
  wasm: { WSCOMPAT_NO_BUFFERUTIL: '1', WSCOMPAT_NO_WASM: '' },
  js: { WSCOMPAT_NO_BUFFERUTIL: '1', WSCOMPAT_NO_WASM: '1' },
};

interface Loaded {
  backend: string;
  server(maxPayload?: number): Codec;
}

/** Fresh copies of the modules, loaded under the backend's environment. */
async function load(backend: Backend): Promise<Loaded> {
  vi.resetModules();
  for (const [name, value] of Object.entries(ENV[backend])) vi.stubEnv(name, value);
  const mask = await import('../../src/family/hybi/mask.js');
  const { getDraft } = await import('../../src/drafts.js');
  const { seededRng } = await import('../../src/core/rng.js');
  const draft = getDraft('rfc6455');
  return {
    backend: mask.MASK_BACKEND,
    server: (maxPayload = 64 << 20) => draft.createCodec('server', { maxPayload, rng: seededRng(3) }),
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

/**
 * Feed `wire` cut at `cuts`; each piece is copied to byte offset `shift` of a larger buffer, so the
 * pieces meet the unmask code at every alignment.
 */
function feed(codec: Codec, wire: Buffer, cuts: readonly number[], shift = 0): CodecEvent[] {
  const points = [...new Set(cuts)].filter((c) => c > 0 && c < wire.length).sort((a, b) => a - b);
  const events: CodecEvent[] = [];
  let at = 0;
  for (const p of [...points, wire.length]) {
    const host = Buffer.alloc(p - at + shift + 5, 0xcc);
    wire.copy(host, shift, at, p);
    events.push(...codec.push(host.subarray(shift, shift + p - at)));
    at = p;
  }
  return events;
}

function binaries(events: readonly CodecEvent[]): Buffer[] {
  expect(events.filter((e) => e.type === 'fail')).toEqual([]);
  return events.flatMap((e) => (e.type === 'binary' ? [e.data] : []));
}

const KEY = [0x37, 0xfa, 0x21, 0x3d];

describe.each(['native', 'wasm', 'js'] as const)('frames across chunks, %s unmask', (backend) => {
  it('loads the backend it asks for (native only where bufferutil is installed)', async () => {
    const loaded = await load(backend);
    if (backend === 'native') expect(['native', 'wasm']).toContain(loaded.backend);
    else expect(loaded.backend).toBe(backend);
  });

  it('a frame split in two and in three at every pair of boundaries', async () => {
    const { server } = await load(backend);
    // 16-bit length: a 4-byte header plus the key; the payload crosses the 64-byte word threshold.
    const payload = bytes(150, 1);
    const wire = rawFrame({ opcode: 2, payload, mask: KEY });
    const codec = server();
    for (let a = 1; a < wire.length; a++) {
      for (let b = a; b < wire.length; b += a < 12 ? 1 : 17) {
        const got = binaries(feed(codec, wire, [a, b], (a + b) & 7));
        expect(got.length).toBe(1);
        expect(got[0]!.equals(payload)).toBe(true);
        expect(codec.bufferedBytes).toBe(0);
      }
    }
  });

  it('a long frame cut at every boundary near the thresholds and 32 and 64 KiB edges, at odd offsets', async () => {
    const { server } = await load(backend);
    const payload = bytes(70_000, 2);
    const wire = rawFrame({ opcode: 2, payload, mask: KEY });
    const codec = server();
    const cuts: number[] = [];
    for (const edge of [14, 14 + 512, 14 + 32_768, 14 + 65_536])
      for (let d = -5; d <= 5; d++) cuts.push(edge + d);
    for (const cut of cuts) {
      const got = binaries(feed(codec, wire, [cut, cut + 1001, cut + 40_000], cut & 7));
      expect(got.length).toBe(1);
      expect(got[0]!.equals(payload)).toBe(true);
    }
  });

  it('every byte value in every key position, at every phase of the key', async () => {
    const { server } = await load(backend);
    const codec = server();
    const payload = bytes(1500, 3);
    for (let v = 0; v < 256; v++) {
      const key = [v, v ^ 0x5a, 255 - v, (v * 7) & 0xff];
      const wire = rawFrame({ opcode: 2, payload, mask: key });
      // Cuts after the header at each residue mod 4, then pieces above and below the WASM threshold.
      const first = 8 + (v & 3);
      const got = binaries(feed(codec, wire, [first, first + 3 + (v % 5), first + 700], v & 7));
      expect(got.length).toBe(1);
      expect(got[0]!.equals(payload)).toBe(true);
    }
  });

  it('holds exactly the bytes received for a frame in progress, and the header split too', async () => {
    const { server } = await load(backend);
    const codec = server();
    const payload = bytes(3000, 4);
    const wire = rawFrame({ opcode: 2, payload, mask: KEY });
    // Header alone, cut inside the key.
    expect(codec.push(Buffer.from(wire.subarray(0, 5)))).toEqual([]);
    expect(codec.bufferedBytes).toBe(5);
    expect(codec.push(Buffer.from(wire.subarray(5, 900)))).toEqual([]);
    expect(codec.bufferedBytes).toBe(900);
    expect(codec.push(Buffer.from(wire.subarray(900, 2500)))).toEqual([]);
    expect(codec.bufferedBytes).toBe(2500);
    const got = binaries(codec.push(Buffer.from(wire.subarray(2500))));
    expect(got[0]!.equals(payload)).toBe(true);
    expect(codec.bufferedBytes).toBe(0);
    expect(codec.end()).toEqual([]);
  });

  it('a frame above the eager allocation limit grows its buffer and still arrives whole', async () => {
    const { server } = await load(backend);
    const codec = server();
    const payload = bytes(4 * 1024 * 1024 + 70_001, 5);
    const wire = rawFrame({ opcode: 2, payload, mask: [1, 2, 3, 4] });
    const events: CodecEvent[] = [];
    let at = 0;
    for (let i = 0; at < wire.length && i < 1000; i++) {
      const end = Math.min(wire.length, at + 65_536 + (i % 3) * 7);
      events.push(...codec.push(wire.subarray(at, end)));
      if (end < wire.length) expect(codec.bufferedBytes).toBe(end);
      at = end;
    }
    const got = binaries(events);
    expect(got.length).toBe(1);
    expect(got[0]!.length).toBe(payload.length);
    expect(got[0]!.equals(payload)).toBe(true);
  });

  it('a stream of frames at random splits and alignments equals the frames fed whole', async () => {
    const { server } = await load(backend);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            size: fc.oneof(fc.nat({ max: 130 }), fc.integer({ min: 400, max: 3000 })),
            key: fc.array(fc.nat({ max: 255 }), { minLength: 4, maxLength: 4 }),
            seed: fc.nat(),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.array(fc.nat({ max: 20_000 }), { maxLength: 10 }),
        fc.nat({ max: 7 }),
        (frames, cuts, shift) => {
          const payloads = frames.map((f) => bytes(f.size, f.seed));
          const wire = Buffer.concat(
            frames.map((f, i) => rawFrame({ opcode: 2, payload: payloads[i]!, mask: f.key })),
          );
          const got = binaries(feed(server(), wire, cuts, shift));
          expect(got.map((b) => b.toString('hex'))).toEqual(payloads.map((p) => p.toString('hex')));
        },
      ),
      { numRuns: runs(150) },
    );
  });
});
