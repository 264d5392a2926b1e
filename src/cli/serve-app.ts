// What `wscompat serve` does with each request: echo on upgrades, the demo page on GET /, a log line.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Connection } from '../connection/connection.js';
import { ANNOUNCE_PARAM, demoPage } from './demo-page.js';

function wantsAnnouncement(url: string | undefined): boolean {
  const query = (url ?? '').split('?')[1];
  return query !== undefined && new URLSearchParams(query).has(ANNOUNCE_PARAM);
}

/** The Origin a client sent: `Origin` (hixie-76, RFC 6455) or `Sec-WebSocket-Origin` (hybi-07/10). */
function originOf(req: IncomingMessage): string | undefined {
  const o = req.headers.origin ?? req.headers['sec-websocket-origin'];
  return Array.isArray(o) ? o[0] : o;
}

/** One line per connection for the operator: draft, path (with query), origin, address and extensions. */
export function connectionLine(conn: Connection, req: IncomingMessage): string {
  const origin = originOf(req);
  const from = req.socket.remoteAddress ?? '?';
  // Only connections that negotiated compression name it, so the common line stays as it always was.
  const ext = conn.extensions === '' ? '' : ` extensions=${JSON.stringify(conn.extensions)}`;
  return `connection ${conn.draft} path=${req.url ?? '/'} origin=${origin === undefined ? '-' : JSON.stringify(origin)} from=${from}${ext}\n`;
}

export function echo(conn: Connection, req: IncomingMessage): void {
  if (wantsAnnouncement(req.url)) conn.send(`${ANNOUNCE_PARAM}: ${conn.draft}`);
  conn.on('message', (data: Buffer, isBinary: boolean) => {
    if (conn.readyState !== conn.OPEN) return;
    // A client that sends fast and never reads: stop reading it until its echoes have left.
    if (!conn.send(data, { binary: isBinary && conn.caps.binary }) && !conn.isPaused) {
      conn.pause();
      conn.once('drain', () => conn.resume());
    }
  });
  // Echo servers see misbehaving clients; a fault closes that one connection and nothing else.
  conn.on('error', () => {});
}

export function httpHandler(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if ((req.method === 'GET' || req.method === 'HEAD') && path === '/') {
    const body = Buffer.from(demoPage(), 'utf8');
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('not found; WebSocket upgrades are accepted at every path\n');
}
