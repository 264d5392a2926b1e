// Node's IncomingMessage as the core RequestHead, header case and order kept (rawHeaders).
import type { IncomingMessage } from 'node:http';
import type { HeaderLine, RequestHead } from '../core/types.js';

export function toRequestHead(req: IncomingMessage): RequestHead {
  const headers: HeaderLine[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
  return { method: req.method ?? 'GET', target: req.url ?? '/', httpVersion: req.httpVersion, headers };
}

/** TLS on the socket, or (only when the proxy is trusted) `X-Forwarded-Proto: https` (drafts.md §2 Response). */
export function isSecureRequest(req: IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (!trustProxy) return false;
  const proto = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' || first === 'wss';
}
