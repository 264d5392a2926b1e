// One adapter per parser under test: feed it 64 KiB pieces, it counts the messages it delivers (server role).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { prng } from '../lib/frames.js';
import { loadCodecApi } from '../lib/wscompat.js';

const require = createRequire(import.meta.url);

export type ParserImpl = 'wscompat' | 'ws' | 'ws-nobu' | 'driver';
export type ParserDraft = 'rfc6455' | 'hixie-76';

export interface Parser {
  feed(chunk: Buffer): void;
  /** Messages and payload bytes delivered so far; the first error, if any. */
  readonly tally: { messages: number; bytes: number; error: string | undefined };
}

const MAX_PAYLOAD = 64 * 1024 * 1024;

interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
}

/** Bytes of one delivered message: a Buffer, or the pieces of one (binaryType 'fragments', receiveParts). */
function lengthOf(data: Buffer | readonly Buffer[]): number {
  if (Buffer.isBuffer(data)) return data.length;
  let n = 0;
  for (let i = 0; i < data.length; i++) n += data[i]!.length;
  return n;
}

function wsParser(fragments: boolean): Parser {
  // ws reads WS_NO_BUFFER_UTIL when lib/buffer-util.js loads: the parent sets it per child process.
  const Receiver = require(join(dirname(require.resolve('ws')), 'lib/receiver.js')) as new (
    options: Record<string, unknown>,
  ) => Emitter & { write(chunk: Buffer): boolean };
  const tally = { messages: 0, bytes: 0, error: undefined as string | undefined };
  const receiver = new Receiver({
    isServer: true,
    maxPayload: MAX_PAYLOAD,
    binaryType: fragments ? 'fragments' : 'nodebuffer',
  });
  receiver.on('message', (data: Buffer | Buffer[]) => {
    tally.messages++;
    tally.bytes += lengthOf(data);
  });
  receiver.on('error', (err: Error) => {
    tally.error ??= err.message;
  });
  return { tally, feed: (chunk) => receiver.write(chunk) };
}

const HYBI_HEADERS = {
  host: '127.0.0.1',
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-version': '13',
};

// The hixie-76 §1.3 example handshake: the keys, then the 8-byte key3 body.
const HIXIE76_HEADERS = {
  host: 'example.com',
  upgrade: 'WebSocket',
  connection: 'Upgrade',
  origin: 'http://example.com',
  'sec-websocket-key1': '4 @1  46546xW%0l 1 5',
  'sec-websocket-key2': '12998 5 Y3 1  .P00',
};
const HIXIE76_KEY3 = Buffer.from('^n:ds[4U', 'latin1');

interface Driver extends Emitter {
  io: Emitter;
  start(): boolean;
  parse(chunk: Buffer): void;
}

function driverParser(draft: ParserDraft): Parser {
  const websocket = require('websocket-driver') as {
    http(request: unknown, options: Record<string, unknown>): Driver;
  };
  const headers = draft === 'rfc6455' ? HYBI_HEADERS : HIXIE76_HEADERS;
  // websocket-driver 0.8 speaks hixie-75/76 only when asked (allowDrafts).
  const driver = websocket.http(
    { method: 'GET', url: '/', headers },
    { maxLength: MAX_PAYLOAD, allowDrafts: true },
  );
  const tally = { messages: 0, bytes: 0, error: undefined as string | undefined };
  driver.io.on('data', () => {});
  driver.on('message', (event: { data: string | Buffer }) => {
    tally.messages++;
    tally.bytes += event.data.length; // text is ASCII here, so characters are bytes
  });
  driver.on('error', (err: Error) => {
    tally.error ??= err.message;
  });
  driver.on('close', () => {
    tally.error ??= 'driver closed';
  });
  driver.start();
  if (draft === 'hixie-76') driver.parse(HIXIE76_KEY3);
  return { tally, feed: (chunk) => driver.parse(chunk) };
}

async function wscompatParser(draft: ParserDraft, fragments: boolean): Promise<Parser> {
  const api = await loadCodecApi();
  const codec = api.getDraft(draft).createCodec('server', { maxPayload: MAX_PAYLOAD, rng: prng(1) });
  if (fragments) codec.receiveParts?.(true);
  const tally = { messages: 0, bytes: 0, error: undefined as string | undefined };
  return {
    tally,
    feed(chunk) {
      const events = codec.push(chunk);
      for (let i = 0; i < events.length; i++) {
        const ev = events[i]!;
        if (ev.type === 'text' || ev.type === 'binary' || ev.type === 'binary-parts') {
          tally.messages++;
          tally.bytes += lengthOf(ev.type === 'binary-parts' ? ev.parts : ev.data);
        } else if (ev.type === 'fail') tally.error ??= `${ev.fault}: ${ev.message}`;
      }
    },
  };
}

export async function createParser(impl: ParserImpl, draft: ParserDraft, fragments = false): Promise<Parser> {
  if (impl === 'wscompat') return wscompatParser(draft, fragments);
  if (impl === 'driver') return driverParser(draft);
  if (draft !== 'rfc6455') throw new Error(`${impl} has no ${draft} parser`);
  return wsParser(fragments);
}
