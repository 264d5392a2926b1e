// Autobahn TestSuite groups 12 and 13 reproduced: an independent peer (zlib streams with a persistent
// context, as ws and Autobahn use) sends messages of 16 B to 256 KiB through our server codec, which echoes
// them compressed; each 13.x parameter set, context takeover on and off, whole and auto-fragmented.
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CodecEvent } from '../../src/core/types.js';
import { acceptExtensionOffers } from '../../src/extensions/negotiate.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { BASE_POLICY, compressedCodec, jsonLike } from './compression-helpers.js';
import { rawFrame } from './helpers.js';

const SIZES = [16, 64, 256, 1024, 4096, 8192, 16384, 32768, 65536, 131072, 262144];
const TAIL = Buffer.from([0, 0, 0xff, 0xff]);
const MASK = [0x11, 0x22, 0x33, 0x44];

/** Autobahn 13.1-13.7: the client's offers, as (client_no_context_takeover, client_max_window_bits). */
const CASES: Record<string, string> = {
  '13.1': 'permessage-deflate',
  '13.2': 'permessage-deflate; client_no_context_takeover',
  '13.3': 'permessage-deflate; client_max_window_bits=8',
  '13.4': 'permessage-deflate; client_max_window_bits=15',
  '13.5': 'permessage-deflate; client_no_context_takeover; client_max_window_bits=8',
  '13.6': 'permessage-deflate; client_no_context_takeover; client_max_window_bits=15',
  '13.7':
    'permessage-deflate; client_no_context_takeover; client_max_window_bits=8, permessage-deflate; client_no_context_takeover, permessage-deflate',
};

/** zlib through its stream API: one persistent context, sync-flushed per message (RFC 7692 §7.2.1). */
function run(stream: DeflateRaw | InflateRaw, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer): void => {
      chunks.push(c);
    };
    stream.on('data', onData);
    stream.once('error', reject);
    stream.write(data);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      stream.off('data', onData);
      stream.off('error', reject);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** The Autobahn side: its own deflater and inflater, reset per message when context takeover is off. */
class Peer {
  private deflater: DeflateRaw | undefined;
  private inflater: InflateRaw | undefined;
  constructor(
    private readonly windowBits: number,
    private readonly ownReset: boolean,
    private readonly peerReset: boolean,
  ) {}
  async deflate(data: Buffer): Promise<Buffer> {
    if (this.ownReset || !this.deflater) {
      this.deflater?.close();
      this.deflater = createDeflateRaw({ windowBits: Math.max(9, this.windowBits) });
    }
    const out = await run(this.deflater, data);
    return out.subarray(0, out.length - 4);
  }
  async inflate(data: Buffer): Promise<Buffer> {
    if (this.peerReset || !this.inflater) {
      this.inflater?.close();
      this.inflater = createInflateRaw({ windowBits: 15 });
    }
    return run(this.inflater, Buffer.concat([data, TAIL]));
  }
  close(): void {
    this.deflater?.close();
    this.inflater?.close();
  }
}

/** Our server's one unmasked frame: RSV1 and its payload. */
function readFrame(frame: Buffer): { rsv1: boolean; opcode: number; payload: Buffer } {
  let len = frame[1]! & 0x7f;
  let at = 2;
  if (len === 126) {
    len = frame.readUInt16BE(2);
    at = 4;
  } else if (len === 127) {
    len = Number(frame.readBigUInt64BE(2));
    at = 10;
  }
  expect(at + len).toBe(frame.length);
  return { rsv1: (frame[0]! & 0x40) !== 0, opcode: frame[0]! & 0x0f, payload: frame.subarray(at) };
}

function payloadOf(kind: 'text' | 'binary', size: number, seed: number): Buffer {
  if (kind === 'text') return Buffer.from(jsonLike(size, seed));
  // Image-like binary: runs and gradients, compressible but not trivially.
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = ((i >> 4) * seed + (i % 7 === 0 ? seed : 0)) & 0xff;
  return b;
}

describe('Autobahn 12/13: permessage-deflate echo against an independent zlib peer', () => {
  for (const [name, offer] of Object.entries(CASES))
    for (const fragmented of [false, true])
      it(`${name}${fragmented ? ' auto-fragmented' : ''}: ${offer.split(',')[0]}`, async () => {
        const accepted = acceptExtensionOffers([offer], BASE_POLICY);
        expect(accepted).toBeDefined();
        const n = accepted!.negotiated;
        const peer = new Peer(n.inflate.windowBits, n.inflate.noContextTakeover, n.deflate.noContextTakeover);
        const server = compressedCodec(rfc6455, 'server', n, 1 << 20);
        try {
          for (const size of SIZES) {
            const count = size >= 65536 ? 2 : 4;
            for (let i = 0; i < count; i++) {
              const kind = i % 2 === 0 ? 'text' : 'binary';
              const data = payloadOf(kind, size, i + size);
              const z = await peer.deflate(data);
              const opcode = kind === 'text' ? 1 : 2;
              const step = fragmented ? Math.max(1, Math.ceil(z.length / 3)) : z.length || 1;
              const frames: Buffer[] = [];
              for (let at = 0; at < Math.max(1, z.length); at += step)
                frames.push(
                  rawFrame({
                    opcode: at === 0 ? opcode : 0,
                    rsv: at === 0 ? 4 : 0,
                    fin: at + step >= z.length,
                    payload: z.subarray(at, at + step),
                    mask: MASK,
                  }),
                );
              const events: CodecEvent[] = server.push(Buffer.concat(frames));
              expect(events.map((e) => e.type)).toEqual([kind]);
              const got = (events[0] as { data: Buffer }).data;
              expect(got.equals(data)).toBe(true);
              const echo = readFrame(server.encode({ type: kind, data: got }));
              expect(echo.rsv1).toBe(true);
              expect((await peer.inflate(echo.payload)).equals(data)).toBe(true);
            }
          }
        } finally {
          peer.close();
        }
      });
});
