// issue 10: the `ws` README's broadcast + heartbeat (ping/pong/terminate) + echo examples, written the way
// README.md shows them (no `caps` checks), with a client of every draft connected at once, hixie-75 and
// -76 included. Before, the first hixie client crashed the process (ping() threw PING_UNSUPPORTED, then
// send(buffer) threw BINARY_UNSUPPORTED). For README_EXAMPLE_MS (10 s by default): nothing throws, every
// client gets what its draft can carry, and only the peer that never answers pings is terminated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Connection } from '../../src/connection/connection.js';
import { ALL_DRAFTS, type DraftId } from '../../src/core/types.js';
import { connect } from '../../src/node/client.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import { closeServer, listening, once } from '../node/helpers.js';
import { RawPeer } from '../support/raw-peer.js';

const RUN_MS = Number(process.env.README_EXAMPLE_MS) || 10_000;
const HEARTBEAT_MS = 400;

/** README.md "Library", second example, with the interval shortened for the test. */
function readmeServer(): { wss: WsServer; stop: () => void } {
  const alive = new Set<Connection>();
  const wss = createServer({ port: 0 }, (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    // Broadcast every message to every open client, the sender included (so it is also the echo).
    ws.on('message', (data, isBinary) => {
      for (const client of wss.clients)
        if (client.readyState === client.OPEN) client.send(data, { binary: isBinary });
    });
  });
  const interval = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      // false where the draft has no ping (hixie): that peer cannot be asked, so it stays alive.
      if (!ws.ping()) alive.add(ws);
    }
  }, HEARTBEAT_MS);
  return { wss, stop: () => clearInterval(interval) };
}

interface Client {
  readonly name: string;
  readonly binary: boolean;
  readonly got: string[];
  send(data: string | Buffer): void;
  closed: boolean;
}

function ours(port: number, draft: DraftId): Promise<Client> {
  const conn = connect(`ws://127.0.0.1:${port}/`, { draft });
  const client: Client = {
    name: draft,
    binary: conn.caps.binary,
    got: [],
    send: (data) => conn.send(data),
    closed: false,
  };
  conn.on('message', (data: Buffer, isBinary: boolean) =>
    client.got.push(isBinary ? `bin:${data.toString('hex')}` : `text:${data}`),
  );
  conn.on('close', () => {
    client.closed = true;
  });
  return once(conn, 'open').then(() => client);
}

function wsClient(port: number): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  const client: Client = { name: 'ws 8', binary: true, got: [], send: (d) => ws.send(d), closed: false };
  ws.on('message', (data: Buffer, isBinary: boolean) =>
    client.got.push(isBinary ? `bin:${data.toString('hex')}` : `text:${data}`),
  );
  ws.on('close', () => {
    client.closed = true;
  });
  return once(ws, 'open').then(() => client);
}

describe('the ws README examples, every draft at once', () => {
  let server: ReturnType<typeof readmeServer>;
  let port: number;
  beforeAll(async () => {
    server = readmeServer();
    port = await listening(server.wss);
  });
  afterAll(async () => {
    server.stop();
    await closeServer(server.wss);
  });

  it(
    `broadcast + heartbeat + echo for ${RUN_MS} ms: no throw, each client gets what its draft carries`,
    async () => {
      const clients = [...(await Promise.all(ALL_DRAFTS.map((d) => ours(port, d)))), await wsClient(port)];
      // A peer that never reads its pings (so never pongs): the heartbeat's terminate() is for it.
      const silent = await RawPeer.open(port, 'rfc6455');
      const sent: { text: string; binary: boolean }[] = [];
      const deadline = Date.now() + RUN_MS;
      for (let i = 0; Date.now() < deadline; i++) {
        const from = clients[i % clients.length]!;
        if (i % 3 === 2 && from.binary) {
          const bytes = Buffer.from([i & 0xff, 0, 0xff]);
          from.send(bytes);
          sent.push({ text: `bin:${bytes.toString('hex')}`, binary: true });
        } else {
          from.send(`${from.name} #${i}`);
          sent.push({ text: `text:${from.name} #${i}`, binary: false });
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300));
      for (const c of clients) {
        expect(c.closed, `${c.name} was closed`).toBe(false);
        // Hybi clients get every broadcast; hixie ones every text (binary is 'error' by default: counted).
        const carried = sent.filter((s) => c.binary || !s.binary).map((s) => s.text);
        expect(c.got, c.name).toEqual(carried);
      }
      const hixie = [...server.wss.clients].filter((conn) => !conn.caps.binary);
      expect(hixie).toHaveLength(2);
      const binaries = sent.filter((s) => s.binary).length;
      expect(binaries).toBeGreaterThan(0);
      for (const conn of hixie) expect(conn.undelivered).toBe(binaries);
      await silent.until(() => silent.closed, 'the silent peer to be terminated');
      silent.destroy();
    },
    RUN_MS + 20_000,
  );
});
