// Sans-I/O interop with implementations written by others: ws 8 (Receiver/Sender) and websocket-driver 0.7 (v7/v8/13).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRequestHead, parseResponseHead } from '../../src/core/http-head.js';
import { seededRng } from '../../src/core/rng.js';
import type { CodecEvent, Draft } from '../../src/core/types.js';
import { hybi07 } from '../../src/hybi07/index.js';
import { hybi10 } from '../../src/hybi10/index.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { codecFor, plain } from './helpers.js';

const require = createRequire(import.meta.url);
const wsLib = join(dirname(require.resolve('ws')), 'lib');

interface WsReceiver {
  on(event: string, fn: (...args: never[]) => void): void;
  write(chunk: Buffer): void;
}
const Receiver = require(join(wsLib, 'receiver.js')) as new (o: Record<string, unknown>) => WsReceiver;
const Sender = require(join(wsLib, 'sender.js')) as {
  frame(data: Buffer, o: Record<string, unknown>): Buffer[];
};

/** Everything a ws Receiver reports, in order, as plain data. */
function wsReceive(isServer: boolean, bytes: Buffer): unknown[] {
  const seen: unknown[] = [];
  const r = new Receiver({ isServer, maxPayload: 0, binaryType: 'nodebuffer' });
  r.on('message', ((data: Buffer, isBinary: boolean) =>
    seen.push({ type: isBinary ? 'binary' : 'text', hex: data.toString('hex') })) as never);
  r.on('ping', ((data: Buffer) => seen.push({ type: 'ping', hex: data.toString('hex') })) as never);
  r.on('conclude', ((code: number, reason: Buffer) =>
    seen.push({ type: 'close', code, reason: reason.toString() })) as never);
  r.on('error', ((err: { code: string }) => seen.push({ type: 'error', code: err.code })) as never);
  r.write(bytes);
  return seen;
}

const big = Buffer.alloc(70_000, 0x61);

describe('ws 8 reads what we write', () => {
  for (const draft of [rfc6455, hybi10]) {
    for (const role of ['client', 'server'] as const) {
      it(`${draft.id} ${role} frames`, () => {
        const codec = codecFor(draft, role);
        const wire = Buffer.concat([
          codec.encode({ type: 'text', data: 'héllo ✓' }),
          codec.encode({ type: 'binary', data: big }),
          codec.encode({ type: 'ping', data: Buffer.from('p') }),
          codec.encode({ type: 'close', code: 4001, reason: 'done' }),
        ]);
        expect(wsReceive(role === 'client', wire)).toEqual([
          { type: 'text', hex: Buffer.from('héllo ✓').toString('hex') },
          { type: 'binary', hex: big.toString('hex') },
          { type: 'ping', hex: '70' },
          { type: 'close', code: 4001, reason: 'done' },
        ]);
      });
    }
  }
});

describe('we read what ws writes', () => {
  it('masked fragments with random keys, interleaved ping, one byte at a time', () => {
    const mask = { mask: true, readOnly: true };
    const wire = Buffer.concat([
      ...Sender.frame(Buffer.from('frag-'), { ...mask, opcode: 1, fin: false }),
      ...Sender.frame(Buffer.from('ping'), { ...mask, opcode: 9, fin: true }),
      ...Sender.frame(Buffer.from('ment ✓'), { ...mask, opcode: 0, fin: true }),
      ...Sender.frame(big, { ...mask, opcode: 2, fin: true }),
    ]);
    const codec = codecFor(rfc6455, 'server');
    const events: CodecEvent[] = [];
    for (const byte of wire) events.push(...codec.push(Buffer.from([byte])));
    expect(plain(events).filter((e) => (e as { type: string }).type !== 'send')).toEqual([
      { type: 'ping', hex: Buffer.from('ping').toString('hex') },
      { type: 'text', hex: Buffer.from('frag-ment ✓').toString('hex') },
      { type: 'binary', hex: big.toString('hex') },
    ]);
  });
});

interface Driver {
  io: { on(e: 'data', fn: (b: Buffer) => void): void; write(b: Buffer): void };
  on(e: string, fn: (ev: { data: string | Buffer; code?: number }) => void): void;
  start(): boolean;
  text(s: string): boolean;
  binary(b: Buffer): boolean;
  close(reason?: string, code?: number): boolean;
  version: string;
}
const driver070 = require('websocket-driver-070') as {
  http(req: unknown, o?: Record<string, unknown>): Driver;
};

describe('websocket-driver 0.7 server against our client', () => {
  for (const draft of [hybi07, hybi10, rfc6455] as Draft[]) {
    it(`${draft.id}: handshake, messages both ways, closing handshake`, () => {
      const request = draft.buildRequest({
        url: new URL('ws://127.0.0.1:8000/chat'),
        protocols: ['chat'],
        origin: 'http://o.example',
        rng: seededRng(3),
      });
      const parsed = parseRequestHead(request.bytes);
      if (parsed.kind !== 'head') throw new Error(parsed.kind);
      const headers = Object.fromEntries(parsed.head.headers.map(([n, v]) => [n.toLowerCase(), v]));
      const driver = driver070.http(
        { method: 'GET', url: parsed.head.target, headers },
        { protocols: ['chat'] },
      );
      expect(driver.version).toBe(`hybi-${draft.version}`);
      const fromDriver: Buffer[] = [];
      const got: unknown[] = [];
      driver.io.on('data', (b) => fromDriver.push(Buffer.from(b)));
      driver.on('message', (ev) => got.push(typeof ev.data === 'string' ? ev.data : ev.data.length));
      driver.on('close', (ev) => got.push({ close: ev.code }));
      driver.start();
      const responseBytes = Buffer.concat(fromDriver.splice(0));
      const response = parseResponseHead(responseBytes);
      if (response.kind !== 'head') throw new Error(response.kind);
      expect(request.verify(response.head, Buffer.alloc(0), responseBytes)).toEqual({
        ok: true,
        protocol: 'chat',
        extensions: '',
      });

      const codec = draft.createCodec('client', { maxPayload: 1 << 20, rng: seededRng(4) });
      driver.io.write(codec.encode({ type: 'text', data: 'héllo' }));
      driver.io.write(codec.encode({ type: 'binary', data: big }));
      expect(got).toEqual(['héllo', big.length]);

      driver.text('from driver ✓');
      driver.close('bye', 1000);
      const events = codec.push(Buffer.concat(fromDriver.splice(0)));
      expect(plain(events).slice(0, 2)).toEqual([
        { type: 'text', hex: Buffer.from('from driver ✓').toString('hex') },
        { type: 'close', code: 1000, reason: 'bye' },
      ]);
      const echo = events.find((e) => e.type === 'send');
      if (echo?.type !== 'send') throw new Error('no close echo');
      driver.io.write(echo.bytes);
      expect(got.at(-1)).toEqual({ close: 1000 });
    });
  }
});
