// Real echo servers written by others, started on loopback for trace recording and live-replay tests.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';

const require = createRequire(import.meta.url);

export interface PeerServer {
  readonly name: string;
  readonly port: number;
  close(): Promise<void>;
}

interface Driver {
  io: NodeJS.ReadWriteStream;
  on(event: 'message', cb: (e: { data: string | Buffer }) => void): void;
  on(event: 'close' | 'error', cb: () => void): void;
  text(s: string): boolean;
  binary(b: Buffer): boolean;
  start(): boolean;
}
interface DriverModule {
  http(req: IncomingMessage, options?: Record<string, unknown>): Driver;
  isWebSocket(req: IncomingMessage): boolean;
}

/** npm `ws` 8 server (accepts Sec-WebSocket-Version 8 and 13), echoing every message. */
export function startWsServer(
  options: { perMessageDeflate?: boolean | { threshold?: number } } = {},
): Promise<PeerServer> {
  return new Promise((resolve) => {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: options.perMessageDeflate ?? false,
    });
    wss.on('connection', (ws) => {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('error', () => undefined);
    });
    wss.on('listening', () => {
      const { port } = wss.address() as AddressInfo;
      resolve({
        name: 'ws',
        port,
        close: () =>
          new Promise((res) => {
            for (const c of wss.clients) c.terminate();
            wss.close(() => res());
          }),
      });
    });
  });
}

/** websocket-driver server (0.8.0 by default; `websocket-driver-070` accepts any hybi version) with drafts on. */
export function startDriverServer(
  pkg: 'websocket-driver' | 'websocket-driver-070' = 'websocket-driver',
): Promise<PeerServer> {
  const driverModule = require(pkg) as DriverModule;
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(426).end();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    // 0.7.0 has no allowDrafts option and rejects unknown ones. It serves the subprotocols the hybi traces
    // offer, as the ws server (which agrees to the client's first offer) does: one server behaviour fits all.
    const driver = driverModule.http(
      req,
      pkg === 'websocket-driver' ? { allowDrafts: true } : { protocols: ['chat', 'superchat'] },
    );
    driver.io.write(head);
    socket.pipe(driver.io).pipe(socket);
    driver.on('message', (e) => (typeof e.data === 'string' ? driver.text(e.data) : driver.binary(e.data)));
    driver.on('close', () => socket.end());
    driver.on('error', () => undefined);
    socket.on('error', () => undefined);
    driver.start();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        name: pkg,
        port,
        close: () =>
          new Promise((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      });
    });
  });
}

/** Debian's python3 (python3-websockets lives there, not in pyenv's python on PATH). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

const PY_ECHO = `
import asyncio, websockets
async def echo(ws, path=None):
    async for m in ws:
        await ws.send(m)
async def main():
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.sleep(120)
asyncio.run(main())
`;

/** Python websockets 10.4 echo server with its defaults (permessage-deflate on); at most 120 s. */
export function startPythonServer(): Promise<PeerServer> {
  const child = spawn(DEBIAN_PYTHON, ['-c', PY_ECHO], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the Python server did not print its port'));
    }, 15_000);
    child.once('exit', (code) => reject(new Error(`the Python server exited with ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      const m = /^(\d+)\n/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        name: 'python-websockets',
        port: Number(m[1]),
        close: () =>
          new Promise((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.kill();
          }),
      });
    });
  });
}
