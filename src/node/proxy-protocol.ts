// PROXY protocol on a Node http(s) server: every accepted socket must start with a v1 or v2 header, read
// (bounded, with a timeout) before the server sees a byte; the client's real address then replaces the
// balancer's as the socket's remoteAddress/remotePort, so logs, X-Forwarded-For and limits all use it.
import type { Server, Socket } from 'node:net';
import { type ProxiedAddress, parseProxyHeader } from '../core/proxy-protocol.js';
import { ignoreSocketError } from './socket-transport.js';

export const DEFAULT_PROXY_HEADER_TIMEOUT = 5000;

/** Shadows the socket's own getters (which read the kernel's peer: the balancer) with the real client. */
function setPeer(socket: Socket, header: ProxiedAddress): void {
  if (header.kind !== 'proxied') return;
  for (const [key, value] of [
    ['remoteAddress', header.address],
    ['remotePort', header.port],
    ['remoteFamily', header.family],
  ] as const)
    Object.defineProperty(socket, key, { value, configurable: true, enumerable: true });
}

/**
 * Make `server` (http, https, or any net server) require a PROXY header on every connection. The server's
 * own 'connection' listeners run once the header is read, with the bytes behind it put back unread.
 * A connection without a valid header within `timeoutMs` is destroyed. `onError` hears why.
 */
export function requireProxyProtocol(
  server: Server,
  options: { timeoutMs?: number; onError?: (reason: string, socket: Socket) => void } = {},
): void {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROXY_HEADER_TIMEOUT;
  const downstream = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    let got: Buffer = Buffer.alloc(0);
    const give = (reason: string): void => {
      cleanup();
      options.onError?.(reason, socket);
      socket.destroy();
    };
    const timer = setTimeout(() => give('no PROXY header in time'), timeoutMs);
    const onData = (chunk: Buffer): void => {
      got = got.length === 0 ? chunk : Buffer.concat([got, chunk]);
      const r = parseProxyHeader(got);
      if (r.status === 'need-more') return;
      if (r.status === 'error') {
        give(r.reason);
        return;
      }
      // No pause: the listeners below attach their own 'data' handlers in this same tick, and a paused
      // socket would not flow again for them. The bytes behind the header go back to the front.
      cleanup();
      setPeer(socket, r.header);
      const rest = got.subarray(r.length);
      if (rest.length > 0) socket.unshift(rest);
      for (const listener of downstream) listener.call(server, socket);
    };
    const onGone = (): void => cleanup();
    function cleanup(): void {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onGone);
    }
    socket.on('error', ignoreSocketError);
    socket.on('data', onData);
    socket.on('close', onGone);
  });
  // TLS sockets wrap the raw one: give them the same peer (TLSSocket keeps the raw socket as `_parent`).
  server.prependListener('secureConnection', (tlsSocket: Socket & { _parent?: Socket }) => {
    const raw = tlsSocket._parent;
    if (raw && Object.hasOwn(raw, 'remoteAddress') && raw.remoteAddress && raw.remotePort)
      setPeer(tlsSocket, {
        kind: 'proxied',
        address: raw.remoteAddress,
        port: raw.remotePort,
        family: raw.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4',
      });
  });
}
