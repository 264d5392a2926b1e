// The shared hybi codec suite: round trips, split invariance, totality and buffer bounds, run for each draft.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CodecEvent, Draft, OutboundMessage, Role } from '../../src/core/types.js';
import { runs } from '../support/fc-runs.js';
import { codecFor, feedBytewise, feedSplit, maskFor, peerOf, plain, rawFrame } from './helpers.js';

const ROLES: readonly Role[] = ['server', 'client'];

const outbound: fc.Arbitrary<OutboundMessage> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((data) => ({ type: 'text' as const, data })),
  fc.uint8Array({ maxLength: 400 }).map((data) => ({ type: 'binary' as const, data })),
  fc.uint8Array({ maxLength: 125 }).map((data) => ({ type: 'ping' as const, data })),
  fc.uint8Array({ maxLength: 125 }).map((data) => ({ type: 'pong' as const, data })),
);

/** What the receiver should report for one message. */
function expected(m: OutboundMessage): unknown {
  if (m.type === 'text') return { type: 'text', hex: Buffer.from(m.data as string, 'utf8').toString('hex') };
  if (m.type === 'close') throw new Error('not generated');
  return { type: m.type, hex: Buffer.from(m.data ?? []).toString('hex') };
}

const cutsArb = fc.array(fc.nat({ max: 200_000 }), { maxLength: 12 });

/** A message split into fragments, with control frames slipped between fragments (RFC 6455 §5.4). */
const fragmentedStream = fc
  .array(
    fc.record({
      text: fc.boolean(),
      body: fc.uint8Array({ maxLength: 300 }),
      parts: fc.integer({ min: 1, max: 5 }),
      pings: fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((messages) =>
    messages.map((m) => ({
      ...m,
      body: m.text ? Buffer.from(Buffer.from(m.body).toString('base64')) : m.body,
    })),
  );

type Messages = typeof fragmentedStream extends fc.Arbitrary<infer T> ? T : never;

function buildStream(messages: Messages, receiver: Role): Buffer {
  const mask = maskFor(receiver);
  const frames: Buffer[] = [];
  for (const m of messages) {
    const size = Math.ceil(m.body.length / m.parts) || 1;
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < m.parts; i++) pieces.push(m.body.subarray(i * size, (i + 1) * size));
    pieces.forEach((piece, i) => {
      const opcode = i === 0 ? (m.text ? 1 : 2) : 0;
      frames.push(
        rawFrame({ opcode, fin: i === pieces.length - 1, payload: piece, ...(mask ? { mask } : {}) }),
      );
      const ping = m.pings[i];
      if (ping && i < pieces.length - 1)
        frames.push(rawFrame({ opcode: 9, payload: ping, ...(mask ? { mask } : {}) }));
    });
  }
  return Buffer.concat(frames);
}

export function describeHybiCodec(draft: Draft): void {
  describe(`hybi codec suite: ${draft.id}`, () => {
    for (const role of ROLES) {
      const receiver = peerOf(role);
      it(`${role} -> ${receiver}: decode(encode(m)) = m at random chunk splits`, () => {
        fc.assert(
          fc.property(fc.array(outbound, { maxLength: 8 }), cutsArb, (messages, cuts) => {
            const sender = codecFor(draft, role);
            const wire = Buffer.concat(messages.map((m) => sender.encode(m)));
            const events = feedSplit(
              codecFor(draft, receiver),
              wire,
              cuts.map((c) => c % (wire.length + 1)),
            );
            const received = plain(events).filter((e) => (e as { type: string }).type !== 'send');
            expect(received).toEqual(messages.map(expected));
          }),
          { numRuns: runs(150) },
        );
      });

      it(`${role} -> ${receiver}: large messages cross chunk boundaries intact`, () => {
        const sender = codecFor(draft, role);
        const sizes = [126, 65535, 65536, 200_000];
        const bodies = sizes.map((n, i) => Buffer.alloc(n, i + 1));
        const wire = Buffer.concat(bodies.map((data) => sender.encode({ type: 'binary', data })));
        const codec = codecFor(draft, receiver);
        const events: CodecEvent[] = [];
        for (let at = 0; at < wire.length; at += 16_384)
          events.push(...codec.push(Buffer.from(wire.subarray(at, at + 16_384))));
        expect(events.map((e) => (e.type === 'binary' ? e.data.length : -1))).toEqual(sizes);
        for (const [i, e] of events.entries())
          expect(e.type === 'binary' && e.data.equals(bodies[i]!)).toBe(true);
      });

      it(`${receiver}: whole, byte by byte and random splits give identical events`, () => {
        fc.assert(
          fc.property(fragmentedStream, cutsArb, (messages, cuts) => {
            const wire = buildStream(messages, receiver);
            const whole = plain(codecFor(draft, receiver).push(Buffer.from(wire)));
            expect(plain(feedBytewise(codecFor(draft, receiver), wire))).toEqual(whole);
            expect(
              plain(
                feedSplit(
                  codecFor(draft, receiver),
                  wire,
                  cuts.map((c) => c % (wire.length + 1)),
                ),
              ),
            ).toEqual(whole);
            const data = whole.filter((e) => ['text', 'binary'].includes((e as { type: string }).type));
            expect(data).toEqual(
              messages.map((m) => ({
                type: m.text ? 'text' : 'binary',
                hex: Buffer.from(m.body).toString('hex'),
              })),
            );
          }),
          { numRuns: runs(100) },
        );
      });

      it(`${receiver}: arbitrary bytes never throw and give at most one fail`, () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 600 }), cutsArb, (bytes, cuts) => {
            const codec = codecFor(draft, receiver, 256);
            const events = [
              ...feedSplit(
                codec,
                bytes,
                cuts.map((c) => c % (bytes.length + 1)),
              ),
              ...codec.end(),
            ];
            expect(events.filter((e) => e.type === 'fail').length).toBeLessThanOrEqual(1);
            const failAt = events.findIndex((e) => e.type === 'fail');
            if (failAt >= 0) expect(failAt).toBe(events.length - 1);
            expect(codec.push(Buffer.from([0x81, 0x00]))).toEqual([]);
          }),
          { numRuns: runs(300) },
        );
      });

      it(`${receiver}: mutated valid streams never throw and give at most one fail`, () => {
        fc.assert(
          fc.property(
            fragmentedStream,
            fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }),
            cutsArb,
            (messages, flips, cuts) => {
              const wire = buildStream(messages, receiver);
              for (const [at, value] of flips) if (wire.length > 0) wire[at % wire.length] = value;
              const codec = codecFor(draft, receiver, 512);
              const events = [
                ...feedSplit(
                  codec,
                  wire,
                  cuts.map((c) => c % (wire.length + 1)),
                ),
                ...codec.end(),
              ];
              expect(events.filter((e) => e.type === 'fail').length).toBeLessThanOrEqual(1);
            },
          ),
          { numRuns: runs(200) },
        );
      });

      it(`${receiver}: bufferedBytes stays within maxPayload plus one header`, () => {
        const maxPayload = 1000;
        fc.assert(
          fc.property(
            fc.array(fc.integer({ min: 0, max: 1400 }), { minLength: 1, maxLength: 6 }),
            fc.integer({ min: 1, max: 700 }),
            (sizes, step) => {
              const mask = maskFor(receiver);
              const wire = Buffer.concat(
                sizes.map((n, i) =>
                  rawFrame({
                    opcode: i === 0 ? 2 : 0,
                    fin: i === sizes.length - 1,
                    payload: Buffer.alloc(n),
                    ...(mask ? { mask } : {}),
                  }),
                ),
              );
              const codec = codecFor(draft, receiver, maxPayload);
              for (let at = 0; at < wire.length; at += step) {
                codec.push(Buffer.from(wire.subarray(at, at + step)));
                expect(codec.bufferedBytes).toBeLessThanOrEqual(maxPayload + 14);
              }
            },
          ),
          { numRuns: runs(200) },
        );
      });
    }
  });
}
