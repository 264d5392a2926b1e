// The send path (RFC 6455 §5.2, §5.3): large server frames as header + the caller's payload (no copy, one
// writev); client frames masked while copied into one buffer.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/faults.js';
import { seededRng } from '../../src/core/rng.js';
import { PARTS_THRESHOLD } from '../../src/family/hybi/frame-parts.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { setup } from '../connection/setup.js';
import { codecFor } from './helpers.js';

const OPTS = { maxPayload: 1 << 24, rng: seededRng(3) };

function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

describe('server frames as parts', () => {
  it('a large binary payload is the second part itself, behind a minimal 64-bit-length header', () => {
    const codec = rfc6455.createCodec('server', OPTS);
    const payload = bytes(70_000);
    const parts = codec.encodeParts?.({ type: 'binary', data: payload });
    expect(parts).toHaveLength(2);
    expect(parts![1]).toBe(payload);
    // RFC 6455 §5.2: FIN + opcode 2, no mask bit, 127 then the 8-byte length.
    expect(parts![0]!.toString('hex')).toBe(`827f${(70_000).toString(16).padStart(16, '0')}`);
    expect(Buffer.concat(parts!)).toEqual(codec.encode({ type: 'binary', data: payload }));
  });

  it('the peer decodes the parts as the message sent, for text and binary at the threshold', () => {
    const server = rfc6455.createCodec('server', OPTS);
    const client = rfc6455.createCodec('client', OPTS);
    const text = Buffer.from('é'.repeat(PARTS_THRESHOLD / 2));
    const bin = bytes(PARTS_THRESHOLD, 9);
    const wire = Buffer.concat([
      ...server.encodeParts!({ type: 'text', data: text })!,
      ...server.encodeParts!({ type: 'binary', data: bin })!,
    ]);
    const events = client.push(wire);
    expect(events.map((e) => e.type)).toEqual(['text', 'binary']);
    expect((events[0] as { data: Buffer }).data).toEqual(text);
    expect((events[1] as { data: Buffer }).data).toEqual(bin);
  });

  it('small payloads, strings, clients and a closing codec take the one-buffer path', () => {
    const server = rfc6455.createCodec('server', OPTS);
    expect(server.encodeParts!({ type: 'binary', data: bytes(PARTS_THRESHOLD - 1) })).toBeUndefined();
    expect(server.encodeParts!({ type: 'text', data: 'x'.repeat(PARTS_THRESHOLD) })).toBeUndefined();
    const client = rfc6455.createCodec('client', OPTS);
    expect(client.encodeParts!({ type: 'binary', data: bytes(PARTS_THRESHOLD) })).toBeUndefined();
    server.encode({ type: 'close', code: 1000 });
    expect(server.encodeParts!({ type: 'binary', data: bytes(PARTS_THRESHOLD) })).toBeUndefined();
  });

  it('invalid UTF-8 text is refused before anything is written', () => {
    const server = rfc6455.createCodec('server', OPTS);
    const bad = bytes(PARTS_THRESHOLD);
    bad[100] = 0xff;
    expect(() => server.encodeParts!({ type: 'text', data: bad })).toThrow(UsageError);
  });
});

describe('client frames', () => {
  it('are masked while copied: the peer reads the payload back, and the caller keeps its bytes', () => {
    for (const n of [0, 5, 125, 126, 600, 65_536, 200_000]) {
      const client = codecFor(rfc6455, 'client');
      const server = codecFor(rfc6455, 'server');
      const payload = bytes(n, n);
      const before = Buffer.from(payload);
      const frame = client.encode({ type: 'binary', data: payload });
      expect(payload).toEqual(before);
      const events = server.push(frame);
      expect([n, events.length, (events[0] as { data: Buffer }).data.equals(payload)]).toEqual([n, 1, true]);
    }
  });
});

describe('Connection.send with a large payload', () => {
  it('writes header and payload in one corked write, and the callback follows it', () => {
    const { conn, transport, peerReads } = setup('rfc6455');
    const payload = bytes(100_000, 4);
    const before = transport.written.length;
    let called = 0;
    conn.send(payload, () => called++);
    // The FakeTransport turns corked writes into one entry, as a corked socket makes one writev.
    expect(transport.written.length - before).toBe(1);
    expect(transport.corked).toBe(0);
    expect(called).toBe(1);
    const events = peerReads();
    expect(events.map((e) => e.type)).toEqual(['binary']);
    expect((events[0] as { data: Buffer }).data).toEqual(payload);
  });
});
