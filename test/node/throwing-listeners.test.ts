// issue 10 item 5: an exception in a user callback ('connection', 'message', verifyClient,
// handleProtocols) costs that connection only: 1011 (or 500 during the handshake), the error emitted on
// the server when it has an 'error' listener and written to stderr once otherwise. The next client is
// served as usual. Vitest fails a run on any uncaught exception, so "the process never dies" is checked.
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { Connection } from '../../src/connection/connection.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import type { ServerOptions } from '../../src/node/server-options.js';
import { closeServer, listening, once } from './helpers.js';

type Kind = 'connection' | 'message' | 'verifyClient' | 'handleProtocols';
const KINDS: readonly Kind[] = ['connection', 'message', 'verifyClient', 'handleProtocols'];

/** A server whose `kind` callback throws for the first client only; it echoes otherwise. */
async function serverThrowingOnce(kind: Kind): Promise<{ server: WsServer; port: number }> {
  let thrown = false;
  const throwOnce = (): void => {
    if (thrown) return;
    thrown = true;
    throw new Error(`${kind} bug`);
  };
  const options: ServerOptions = {
    port: 0,
    ...(kind === 'verifyClient'
      ? {
          verifyClient: () => {
            throwOnce();
            return true;
          },
        }
      : {}),
    // ws clients fail a handshake whose offered subprotocol is not chosen.
    handleProtocols: () => {
      if (kind === 'handleProtocols') throwOnce();
      return 'chat';
    },
  };
  const server = createServer(options, (conn: Connection) => {
    if (kind === 'connection') throwOnce();
    conn.on('message', (data: Buffer) => {
      if (kind === 'message') throwOnce();
      conn.send(data, { binary: false });
    });
  });
  return { server, port: await listening(server) };
}

/** What the first client saw: the close code, or the HTTP status of a refused handshake. */
function firstClient(port: number): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['chat']);
  return new Promise((resolve) => {
    ws.on('open', () => ws.send('trigger'));
    ws.on('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
    ws.on('close', (code) => resolve(`close ${code}`));
    ws.on('error', () => {});
  });
}

async function echoes(port: number): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['chat']);
  await once(ws, 'open');
  const reply = once<[Buffer]>(ws, 'message');
  ws.send('next client');
  const text = String((await reply)[0]);
  ws.close();
  await once(ws, 'close');
  return text;
}

const expectedFirst: Record<Kind, string> = {
  connection: 'close 1011',
  message: 'close 1011',
  verifyClient: 'status 500',
  handleProtocols: 'status 500',
};

describe.each(KINDS)('a throwing %s callback', (kind) => {
  let server: WsServer | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    if (server) await closeServer(server);
    server = undefined;
  });

  it("with an 'error' listener: that client only is refused or closed, the server emits the error", async () => {
    const started = await serverThrowingOnce(kind);
    server = started.server;
    const errors: unknown[] = [];
    server.on('error', (err) => errors.push(err));
    expect(await firstClient(started.port)).toBe(expectedFirst[kind]);
    expect(errors).toEqual([new Error(`${kind} bug`)]);
    expect(await echoes(started.port)).toBe('next client');
  });

  it('without one: logged to stderr once, and the next client is served', async () => {
    const started = await serverThrowingOnce(kind);
    server = started.server;
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    expect(await firstClient(started.port)).toBe(expectedFirst[kind]);
    expect(await echoes(started.port)).toBe('next client');
    const lines = written.filter((w) => w.includes(`${kind} bug`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('wscompat: a server callback threw');
  });
});
