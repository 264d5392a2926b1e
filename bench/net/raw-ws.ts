// Raw client handshakes over `net` (RFC 6455 §4.1, hixie-76 §4.1), so one cheap load client drives every server.
import { connect, type Socket } from 'node:net';

export type HandshakeDraft = 'rfc6455' | 'hixie-76';

/** The request bytes and how many response body bytes follow the head (hixie-76: the 16-byte MD5 answer). */
export function upgradeRequest(
  draft: HandshakeDraft,
  port: number,
  extensions?: string,
): { bytes: Buffer; bodyLength: number } {
  const host = `127.0.0.1:${port}`;
  if (draft === 'rfc6455') {
    const offer = extensions === undefined ? '' : `Sec-WebSocket-Extensions: ${extensions}\r\n`;
    const head =
      `GET / HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${offer}\r\n`;
    return { bytes: Buffer.from(head, 'latin1'), bodyLength: 0 };
  }
  // The hixie-76 §1.3 example keys; key3 follows the head as an 8-byte body.
  const head =
    `GET / HTTP/1.1\r\nHost: ${host}\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n` +
    `Origin: http://${host}\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n` +
    'Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n^n:ds[4U';
  return { bytes: Buffer.from(head, 'latin1'), bodyLength: 16 };
}

export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 16 * 1024;

/**
 * Reads the server's answer to `upgradeRequest`: resolves with the bytes after it once the status is 101 and the
 * body (if any) is complete; rejects on another status, a closed socket, or after `timeoutMs`.
 */
export function readUpgrade(socket: Socket, bodyLength: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let acc: Buffer = Buffer.alloc(0);
    const done = (err: Error | undefined, rest?: Buffer): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      if (err) reject(err);
      else resolve(rest ?? Buffer.alloc(0));
    };
    const onData = (chunk: Buffer): void => {
      acc = acc.length === 0 ? chunk : Buffer.concat([acc, chunk]);
      const end = acc.indexOf(HEAD_END);
      if (end < 0) {
        if (acc.length > MAX_HEAD) done(new Error('handshake response head too long'));
        return;
      }
      const status = acc.subarray(0, acc.indexOf('\r\n')).toString('latin1');
      if (!/^HTTP\/1\.1 101 /.test(status)) {
        done(new Error(`handshake refused: ${status}`));
        return;
      }
      const bodyEnd = end + 4 + bodyLength;
      if (acc.length >= bodyEnd) done(undefined, acc.subarray(bodyEnd));
    };
    const onClose = (): void => done(new Error('socket closed during the handshake'));
    const onError = (err: Error): void => done(err);
    const timer = setTimeout(() => done(new Error(`no handshake answer in ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}

/** Opens a socket and completes an RFC 6455 / hixie-76 upgrade (`net` servers: no upgrade, just the socket). */
export async function openUpgraded(
  port: number,
  draft: HandshakeDraft | 'none',
  timeoutMs = 10_000,
  extensions?: string,
): Promise<Socket> {
  const socket = await openSocket(port);
  if (draft === 'none') return socket;
  const req = upgradeRequest(draft, port, extensions);
  const answer = readUpgrade(socket, req.bodyLength, timeoutMs);
  socket.write(req.bytes);
  try {
    const rest = await answer;
    if (rest.length > 0) throw new Error(`server sent ${rest.length} unexpected bytes after the handshake`);
  } catch (err) {
    socket.destroy();
    throw err;
  }
  return socket;
}

/** Opens `count` upgraded sockets, `parallel` at a time (a listen backlog of 511 must not overflow). */
export async function openMany(
  port: number,
  draft: HandshakeDraft | 'none',
  count: number,
  parallel = 64,
  extensions?: string,
): Promise<Socket[]> {
  const sockets: Socket[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      sockets.push(await openUpgraded(port, draft, 10_000, extensions));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  } catch (err) {
    for (const s of sockets) s.destroy();
    throw err;
  }
  return sockets;
}
