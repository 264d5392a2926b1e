// Shared loopback fixtures for gateway tests: a ws upstream, a gateway, clients that collect events.
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import type { Connection } from '../../src/connection/connection.js';
import type { DraftId } from '../../src/core/types.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import type { LogRecord } from '../../src/gateway/log.js';
import type { GatewayOptions } from '../../src/gateway/options.js';
import { connect } from '../../src/node/client.js';

export interface Upstream {
  readonly wss: WebSocketServer;
  readonly url: string;
  /** Request paths, headers and subprotocols the upstream saw, in order. */
  readonly seen: { path: string; headers: Record<string, string | string[] | undefined>; protocol: string }[];
  close(): Promise<void>;
}

/** An npm `ws` echo server (text stays text, binary stays binary) that picks the last offered subprotocol. */
export async function echoUpstream(
  options: { verify?: (path: string) => boolean; handle?: (ws: import('ws').WebSocket) => void } = {},
): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => [...protocols].at(-1) ?? false,
    verifyClient: (
      info: { req: import('node:http').IncomingMessage },
      cb: (ok: boolean, code?: number) => void,
    ) => (options.verify && !options.verify(info.req.url ?? '') ? cb(false, 403) : cb(true)),
  });
  wss.on('connection', (ws, req) => {
    seen.push({ path: req.url ?? '', headers: req.headers, protocol: ws.protocol });
    if (options.handle) return options.handle(ws);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await once(wss, 'listening');
  const { port } = wss.address() as import('node:net').AddressInfo;
  return {
    wss,
    url: `ws://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

export async function startGateway(
  options: GatewayOptions,
): Promise<{ gw: Gateway; url: string; logs: LogRecord[] }> {
  const logs: LogRecord[] = [];
  const gw = createGateway({ log: (r) => logs.push(r), ...options });
  await once(gw, 'listening');
  return { gw, url: `ws://127.0.0.1:${gw.address().port}`, logs };
}

export function closeGateway(gw: Gateway): Promise<void> {
  return new Promise((resolve) => gw.close(resolve));
}

/** Our client of any draft, opened (rejects on a refused handshake with the HTTP status). */
export async function open(
  url: string,
  draft: DraftId,
  options: { protocols?: string[]; origin?: string } = {},
): Promise<Connection> {
  const conn = connect(url, { draft, ...options });
  await new Promise<void>((resolve, reject) => {
    conn.once('open', () => resolve());
    conn.once('error', (err: Error) => reject(err));
  });
  return conn;
}

export function nextMessage(conn: Connection): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) =>
    conn.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })),
  );
}

export function closed(conn: Connection): Promise<{ code: number; reason: string; wasClean: boolean }> {
  if (conn.readyState === 3) throw new Error('already closed');
  return new Promise((resolve) =>
    conn.once('close', (code: number, reason: string, wasClean: boolean) =>
      resolve({ code, reason, wasClean }),
    ),
  );
}

/** Poll `fn` every 10 ms until true, at most `ms`. */
export async function until(fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The echo through the gateway still works for a fresh client of `draft`: one round trip, then a clean close. */
export async function roundTrip(url: string, draft: DraftId, text: string): Promise<string> {
  const conn = await open(url, draft);
  const reply = nextMessage(conn);
  conn.send(text);
  const { data } = await reply;
  conn.close();
  await closed(conn);
  return data.toString();
}
