// Echo servers, one per implementation, as their own documentation writes them; all bind 127.0.0.1 only.
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { loadNodeApi } from '../lib/wscompat.js';

const require = createRequire(import.meta.url);
const HOST = '127.0.0.1';
const MAX_PAYLOAD = 64 * 1024 * 1024;

export type ServerImpl = 'wscompat' | 'ws' | 'driver' | 'net';

/** permessage-deflate: off, each library's defaults (`true`), or its defaults with one zlib deflate level. */
export type Compress = boolean | { readonly level: number };

/** The `perMessageDeflate` option both ws and wscompat take, for `compress`. */
function perMessageDeflate(compress: Compress): boolean | { zlibDeflateOptions: { level: number } } {
  return typeof compress === 'boolean' ? compress : { zlibDeflateOptions: { level: compress.level } };
}

export interface RunningServer {
  readonly port: number;
  close(): void;
}

function listening(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: HOST, port: 0, backlog: 4096 }, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
}

async function netEcho(): Promise<RunningServer> {
  const server = createNetServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  const port = await listening(server);
  return { port, close: () => server.close() };
}

interface WsLike {
  binaryType: string;
  on(event: 'message', listener: (data: Buffer | Buffer[], isBinary: boolean) => void): void;
  on(event: 'error', listener: () => void): void;
  send(data: Buffer, options: { binary: boolean }): void;
}

/**
 * `pieces`: binary messages taken as pieces and echoed from them: ws with `binaryType = 'fragments'` (its send
 * takes one Buffer, so it joins them), wscompat with `receiveParts` and `sendParts` (no join, no copy).
 */
async function wsEcho(compress: Compress, pieces: boolean): Promise<RunningServer> {
  const { WebSocketServer } = require('ws') as typeof import('ws');
  const wss = new WebSocketServer({
    host: HOST,
    port: 0,
    maxPayload: MAX_PAYLOAD,
    backlog: 4096,
    perMessageDeflate: perMessageDeflate(compress),
  });
  wss.on('connection', (ws: WsLike) => {
    ws.on('error', () => {});
    if (pieces) ws.binaryType = 'fragments';
    ws.on('message', (data, isBinary) =>
      ws.send(Array.isArray(data) ? Buffer.concat(data) : data, { binary: isBinary }),
    );
  });
  const port = await new Promise<number>((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      const addr = wss.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
  return { port, close: () => wss.close() };
}

interface DriverLike {
  io: NodeJS.ReadWriteStream;
  on(event: 'message', listener: (event: { data: string | Buffer }) => void): void;
  on(event: 'close' | 'error', listener: () => void): void;
  text(data: string): boolean;
  binary(data: Buffer): boolean;
  start(): boolean;
}

async function driverEcho(): Promise<RunningServer> {
  const websocket = require('websocket-driver') as {
    isWebSocket(req: IncomingMessage): boolean;
    http(req: IncomingMessage, options: Record<string, unknown>): DriverLike;
  };
  const server = createHttpServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (!websocket.isWebSocket(req)) return socket.destroy();
    socket.setNoDelay(true);
    const driver = websocket.http(req, { maxLength: MAX_PAYLOAD, allowDrafts: true });
    driver.on('message', (e) => (typeof e.data === 'string' ? driver.text(e.data) : driver.binary(e.data)));
    driver.on('close', () => socket.end());
    driver.on('error', () => socket.destroy());
    socket.on('error', () => socket.destroy());
    driver.io.write(head);
    socket.pipe(driver.io).pipe(socket);
    driver.start();
  });
  const port = await listening(server);
  return { port, close: () => server.close() };
}

async function wscompatEcho(compress: Compress, pieces: boolean): Promise<RunningServer> {
  const api = await loadNodeApi();
  const server = api.createServer({
    host: HOST,
    port: 0,
    maxPayload: MAX_PAYLOAD,
    ...(compress === false ? {} : { perMessageDeflate: perMessageDeflate(compress) }),
  });
  server.on('connection', (conn) => {
    conn.on('error', () => {});
    conn.receiveParts = pieces;
    conn.on('messageParts', (parts) => conn.sendParts(parts));
    conn.on('message', (data, isBinary) => conn.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.on('listening', resolve);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { port, close: () => server.close() };
}

/**
 * Loads every library into this process, whichever one serves: one library's code alone can move a server
 * into or out of V8's small-heap band (app-heap.ts), so every server carries the same code.
 */
export async function loadAllLibraries(): Promise<void> {
  await loadNodeApi();
  require('ws');
  require('websocket-driver');
}

/**
 * `compress`: permessage-deflate with each library's defaults (`perMessageDeflate: true`), or a given level.
 * `pieces`: binary messages received and echoed as pieces (ws and wscompat; see wsEcho).
 */
export function startServer(
  impl: ServerImpl,
  compress: Compress = false,
  pieces = false,
): Promise<RunningServer> {
  switch (impl) {
    case 'net':
      return netEcho();
    case 'ws':
      return wsEcho(compress, pieces);
    case 'driver':
      return driverEcho();
    case 'wscompat':
      return wscompatEcho(compress, pieces);
  }
}
