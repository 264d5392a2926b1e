// Real echo servers written by others, started on loopback for trace recording and live-replay tests.
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
export function startWsServer(options: { perMessageDeflate?: boolean } = {}): Promise<PeerServer> {
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
