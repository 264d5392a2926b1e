// What an idle server connection keeps alive (docs/performance.md "Memory"): no upgrade request, no
// per-connection listener closures on its socket, nothing left over from the handshake.
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import { closeServer, delay, listening, openClient } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('idle server connection footprint', () => {
  it('the upgrade request can be collected while the connection stays open', async () => {
    let req: WeakRef<IncomingMessage> | undefined;
    const conns: Connection[] = [];
    const server: WsServer = createServer({ port: 0 }, (conn, r) => {
      conns.push(conn);
      req = new WeakRef(r);
    });
    cleanups.push(() => closeServer(server));
    const port = await listening(server);
    await openClient(`ws://127.0.0.1:${port}/idle`, {}, cleanups);
    await delay(20);
    expect(conns).toHaveLength(1);
    // Bounded: a few collections, each in a fresh job (deref() keeps its target alive until the job ends).
    let collected = false;
    for (let i = 0; i < 5 && !collected; i++) {
      await delay(10);
      gc();
      collected = req?.deref() === undefined;
    }
    expect(collected).toBe(true);
    expect(req).toBeDefined();
    expect(conns[0]!.readyState).toBe(1);
    expect(conns[0]!.url).toBe('/idle');
  });

  it("two connections' sockets share their listener functions (no closures per connection)", async () => {
    const wss = createServer({ noServer: true });
    const sockets: Socket[] = [];
    const http: Server = createHttpServer();
    http.on('upgrade', (r: IncomingMessage, socket: Socket, head: Buffer) => {
      sockets.push(socket);
      wss.handleUpgrade(r, socket, head, () => {});
    });
    cleanups.push(() => closeServer(wss));
    cleanups.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    for (let i = 0; i < 2; i++) {
      await openClient(`ws://127.0.0.1:${port}/`, {}, cleanups);
    }
    await delay(20);
    const [a, b] = sockets;
    for (const event of ['data', 'end', 'drain', 'close', 'error']) {
      const ours = a!.listeners(event).filter((fn) => !b!.listeners(event).includes(fn));
      // Node's own listeners are module functions too, so the two sockets' lists are the same functions.
      expect([event, ours.length]).toEqual([event, 0]);
    }
  });
});
