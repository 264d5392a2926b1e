// The server side of one opening handshake on a Node socket: negotiate, verify, write the 101 at once,
// collect the hixie-76 body (key3, drafts.md §2 "The 8-byte body through proxies"), then open.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Connection } from '../connection/connection.js';
import { OPEN } from '../connection/internal.js';
import { headerValue } from '../core/headers.js';
import { serializeRejection } from '../core/http-head.js';
import { cryptoRng } from '../core/rng.js';
import type { AcceptResult, DraftId, HeaderLine } from '../core/types.js';
import { getDraft } from '../drafts.js';
import { negotiate } from '../sniff/negotiate.js';
import { PendingBytes } from './pending-bytes.js';
import { isSecureRequest, toRequestHead } from './request-head.js';
import type { ResolvedServerOptions, VerifyClientResult } from './server-options.js';
import { SocketTransport } from './socket-transport.js';

type Accepted = Extract<AcceptResult, { ok: true }>;

/** What the handshake needs from the server that owns it. */
export interface UpgradeHost {
  readonly options: ResolvedServerOptions;
  /** Open connections plus handshakes in progress, for maxConnections. */
  load(): number;
  pendingDelta(delta: 1 | -1): void;
  /** Lets 'headers' listeners see (and append to) the 101 head lines before it is written. */
  editHeaders(lines: string[], req: IncomingMessage): void;
  rejected(status: number, reason: string, req: IncomingMessage): void;
  opened(conn: Connection): void;
}

function reject(
  host: UpgradeHost,
  socket: Socket,
  req: IncomingMessage,
  status: number,
  reason: string,
  headers: readonly HeaderLine[] = [],
): void {
  host.rejected(status, reason, req);
  if (!socket.destroyed && socket.writable) socket.end(serializeRejection({ status, reason, headers }));
  else socket.destroy();
}

async function verify(
  host: UpgradeHost,
  req: IncomingMessage,
  draft: DraftId,
  secure: boolean,
): Promise<{ status: number; reason: string } | undefined> {
  const verifyClient = host.options.verifyClient;
  if (!verifyClient) return undefined;
  let verdict: VerifyClientResult;
  try {
    // hybi-07/08 named it Sec-WebSocket-Origin (drafts.md §5).
    const headers = toRequestHead(req).headers;
    const origin = headerValue(headers, 'Origin') ?? headerValue(headers, 'Sec-WebSocket-Origin');
    verdict = await verifyClient({ req, origin, draft, secure });
  } catch {
    return { status: 500, reason: 'verifyClient failed' };
  }
  if (verdict === true) return undefined;
  if (verdict === false) return { status: 403, reason: 'client refused' };
  return { status: verdict.status, reason: verdict.reason ?? 'client refused' };
}

/** Lets 'headers' listeners edit the head; the bytes are rebuilt only when a line changed. */
function responseHead(host: UpgradeHost, accept: Accepted, req: IncomingMessage): Buffer {
  const text = accept.response.toString('latin1');
  const lines = text.slice(0, text.length - 4).split('\r\n');
  const before = lines.join('\n');
  host.editHeaders(lines, req);
  if (lines.join('\n') === before) return accept.response;
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** Handle one upgrade request from its 'upgrade' event to an open Connection (or a refusal). */
export async function runUpgrade(
  host: UpgradeHost,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  done: (conn: Connection, req: IncomingMessage) => void,
): Promise<void> {
  const { options } = host;
  const pending = new PendingBytes(socket, head);
  host.pendingDelta(1);
  let settled = false;
  const settle = (): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    host.pendingDelta(-1);
  };
  // A head or key3 that never completes must not hold the socket (and a maxConnections slot) forever.
  const timer = setTimeout(() => socket.destroy(), options.handshakeTimeout);
  socket.on('error', () => {});
  socket.once('close', settle);

  if (host.load() > options.maxConnections) return reject(host, socket, req, 503, 'too many connections');
  const secure = isSecureRequest(req, options.trustProxy);
  const handleProtocols = options.handleProtocols;
  const negotiation = negotiate(toRequestHead(req), {
    drafts: options.drafts,
    secure,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(handleProtocols
      ? { selectProtocol: (offered: readonly string[]) => handleProtocols([...offered], req) }
      : {}),
  });
  if (!negotiation.ok) {
    const { status, reason, headers } = negotiation.rejection;
    return reject(host, socket, req, status, reason, headers);
  }
  const refusal = await verify(host, req, negotiation.draft, secure);
  if (socket.destroyed) return;
  if (refusal) return reject(host, socket, req, refusal.status, refusal.reason);

  const { accept, draft } = negotiation;
  // Written before key3 is read, or a proxy holding key3 until it sees the 101 deadlocks (ws #687).
  socket.write(responseHead(host, accept, req));
  pending.whenAtLeast(accept.bodyLength, () => {
    if (socket.destroyed) return;
    const bytes = pending.release();
    if (accept.bodyLength > 0) socket.write(accept.answerBody(bytes.subarray(0, accept.bodyLength)));
    settle();
    open(host, req, socket, draft, accept, bytes.subarray(accept.bodyLength), done);
  });
}

function open(
  host: UpgradeHost,
  req: IncomingMessage,
  socket: Socket,
  draftId: DraftId,
  accept: Accepted,
  leftover: Buffer,
  done: (conn: Connection, req: IncomingMessage) => void,
): void {
  const draft = getDraft(draftId);
  const conn = new Connection({
    draft: draftId,
    caps: draft.caps,
    role: 'server',
    url: req.url ?? '/',
    closeTimeout: host.options.closeTimeout,
  });
  const transport = new SocketTransport(socket);
  conn[OPEN]({
    transport,
    codec: draft.createCodec('server', { maxPayload: host.options.maxPayload, rng: cryptoRng }),
    protocol: accept.protocol,
    extensions: accept.extensions,
    emitOpen: false,
  });
  host.opened(conn);
  done(conn, req);
  // After the user's 'connection' listener ran, so it sees frames pipelined behind the handshake.
  transport.start(leftover, false);
}
