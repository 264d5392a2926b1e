// A raw, hostile WebSocket client for the abuse harness and the limit tests: it completes a real opening
// handshake of any draft, then writes whatever frames it likes and reads only when told to.
import { connect as netConnect, type Socket } from 'node:net';
import { readHandshakeResponse } from '../../src/core/client-handshake.js';
import { cryptoRng } from '../../src/core/rng.js';
import type { DraftId } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';

export interface RawPeer {
  readonly socket: Socket;
  /** Bytes received after the handshake, while reading. */
  readonly received: Buffer[];
  /** Resolves when the server closed or reset the connection. */
  readonly closed: Promise<void>;
  /** Stop reading: the server's writes pile up in the kernel, then in the server. */
  stopReading(): void;
  /** The close code of the first close frame the server sent (server frames are unmasked), if any. */
  closeCode(): number | undefined;
}

/** Open a connection to `port` and complete the handshake of `draft`; rejects if it is refused. */
export function rawPeer(port: number, draft: DraftId = 'rfc6455', path = '/'): Promise<RawPeer> {
  const request = getDraft(draft).buildRequest({
    url: new URL(`ws://127.0.0.1:${port}${path}`),
    protocols: [],
    rng: cryptoRng,
  });
  const socket = netConnect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  const received: Buffer[] = [];
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const r = readHandshakeResponse(head, request);
      if (r.kind === 'wait') return;
      socket.off('data', onData);
      if (r.kind === 'refused') {
        socket.destroy();
        reject(new Error(r.reason));
        return;
      }
      if (head.length > r.bodyEnd) received.push(head.subarray(r.bodyEnd));
      socket.on('data', (c: Buffer) => received.push(c));
      resolve({
        socket,
        received,
        closed,
        stopReading: () => {
          socket.pause();
        },
        closeCode: () => firstCloseCode(Buffer.concat(received)),
      });
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('closed during the handshake')));
    socket.write(request.bytes);
  });
}

/** A client frame: masked (RFC 6455 §5.3) with a fixed key, FIN as given. */
export function clientFrame(opcode: number, payload: Uint8Array, fin = true): Buffer {
  const n = payload.length;
  const lengthBytes = n < 126 ? 0 : n < 0x10000 ? 2 : 8;
  const out = Buffer.alloc(2 + lengthBytes + 4 + n);
  out[0] = (fin ? 0x80 : 0) | opcode;
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 0x10000) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(n), 2);
  }
  const keyAt = 2 + lengthBytes;
  const key = [0x12, 0x34, 0x56, 0x78];
  for (let i = 0; i < 4; i++) out[keyAt + i] = key[i]!;
  for (let i = 0; i < n; i++) out[keyAt + 4 + i] = payload[i]! ^ key[i & 3]!;
  return out;
}

/** Walks unmasked server frames and returns the code of the first close frame. */
export function firstCloseCode(bytes: Buffer): number | undefined {
  let pos = 0;
  while (pos + 2 <= bytes.length) {
    const opcode = bytes[pos]! & 0x0f;
    let len = bytes[pos + 1]! & 0x7f;
    let at = pos + 2;
    if (len === 126) {
      if (at + 2 > bytes.length) return undefined;
      len = bytes.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      if (at + 8 > bytes.length) return undefined;
      len = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    if (opcode === 0x8) return len >= 2 && at + 2 <= bytes.length ? bytes.readUInt16BE(at) : 1005;
    pos = at + len;
  }
  return undefined;
}

/**
 * Write `next()` frames as fast as the socket takes them, never holding more than `maxQueued` bytes on our
 * side, until `deadline` or the connection closes. Returns the bytes written.
 */
export async function flood(
  socket: Socket,
  next: () => Buffer,
  deadline: number,
  maxQueued = 1024 * 1024,
): Promise<number> {
  let written = 0;
  while (Date.now() < deadline && !socket.destroyed && socket.writable) {
    if (socket.writableLength > maxQueued) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        const t = setTimeout(done, Math.max(1, Math.min(100, deadline - Date.now())));
        socket.once('drain', done);
        socket.once('close', done);
      });
      continue;
    }
    const frame = next();
    socket.write(frame);
    written += frame.length;
    // Let the event loop breathe: the measuring side shares this process in tests.
    if (written % (256 * 1024) < frame.length) await new Promise((r) => setImmediate(r));
  }
  return written;
}
