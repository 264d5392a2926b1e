// An ordinary express + ws application: the kind of server a user checks with wscompat/testing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { WebSocketServer } from 'ws';

export interface App {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the app on 127.0.0.1 (port 0 picks a free one): GET /health and a WebSocket echo on every path. */
export function startApp(port = 0): Promise<App> {
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  const server: Server = createServer(app);
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `ws://127.0.0.1:${bound}/`,
        close: () =>
          new Promise<void>((done) => {
            for (const c of wss.clients) c.terminate();
            wss.close();
            server.close(() => done());
          }),
      });
    });
  });
}
