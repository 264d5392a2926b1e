// The server side of one opening handshake on a Node socket: negotiate, run the hooks, write the 101 at
// once, collect the hixie-76 body (key3, drafts.md §2 "The 8-byte body through proxies"), then open.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Connection } from '../connection/connection.js';
import { OPEN } from '../connection/internal.js';
import { serializeRejection } from '../core/http-head.js';
import { cryptoRng } from '../core/rng.js';
import type { AcceptResult, DraftId, HeaderLine } from '../core/types.js';
import { getDraft } from '../drafts.js';
import { negotiate } from '../sniff/negotiate.js';
import { PendingBytes } from './pending-bytes.js';
import { isSecureRequest, toRequestHead } from './request-head.js';
import type { ResolvedServerOptions } from './server-options.js';
import { SocketTransport } from './socket-transport.js';
import { chooseProtocol, HandshakeAttempt, verify } from './upgrade-hooks.js';

type Accepted = Extract<AcceptResult, { ok: true }>;

/** What the handshake needs from the server that owns it. */
export interface UpgradeHost {
  readonly options: ResolvedServerOptions;
  /** Open connections plus handshakes in progress, for maxConnections. */
  load(): number;
  pendingDelta(delta: 1 | -1): void;
  /** Lets 'headers' listeners see (and append to) the 101 head lines before it is written. */
  editHeaders(lines: string[], req: IncomingMessage): void;
  /** Someone listens to 'headers': without, the head is written as the draft built it. */
  wantsHeaders(): boolean;
  rejected(status: number, reason: string, req: IncomingMessage): void;
  opened(conn: Connection): void;
}

function reject(
  host: UpgradeHost,
  socket: Socket,
  req: IncomingMessage,
  attempt: HandshakeAttempt,
  rejection: { status: number; reason: string; headers?: readonly HeaderLine[] },
): void {
  const { status, reason, headers = [] } = rejection;
  attempt.giveUp('refused', `refused with ${status}`);
  host.rejected(status, reason, req);
  if (!socket.destroyed && socket.writable) socket.end(serializeRejection({ status, reason, headers }));
  else socket.destroy();
}

/** Lets 'headers' listeners edit the head; the bytes are rebuilt only when a line changed. */
function responseHead(host: UpgradeHost, accept: Accepted, req: IncomingMessage): Buffer {
  if (!host.wantsHeaders()) return accept.response;
  const text = accept.response.toString('latin1');
  const lines = text.slice(0, text.length - 4).split('\r\n');
  const before = lines.join('\n');
  host.editHeaders(lines, req);
  if (lines.join('\n') === before) return accept.response;
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * Handle one upgrade request from its 'upgrade' event to an open Connection (or a refusal). Order: limits,
 * negotiate (so hooks only see requests that will be accepted), verifyClient, handleProtocols, the 101.
 */
export async function runUpgrade(
  host: UpgradeHost,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  done: (conn: Connection, req: IncomingMessage) => void,
): Promise<void> {
  const { options } = host;
  const pending = new PendingBytes(socket, head);
  const attempt = new HandshakeAttempt(host, socket, options.handshakeTimeout);
  if (host.load() > options.maxConnections)
    return reject(host, socket, req, attempt, { status: 503, reason: 'too many connections' });
  const requestHead = toRequestHead(req);
  const secure = isSecureRequest(req, options.trustProxy);
  const base = {
    drafts: options.drafts,
    secure,
    ...(options.path === undefined ? {} : { path: options.path }),
  };
  // The draft parses the offer (hybi asks with its list; hixie echoes its one value without asking).
  let offered: readonly string[] | undefined;
  const negotiation = negotiate(requestHead, {
    ...base,
    selectProtocol: (list) => {
      offered = list;
      return undefined;
    },
  });
  if (!negotiation.ok) return reject(host, socket, req, attempt, negotiation.rejection);
  const { draft } = negotiation;
  if (options.verifyClient) {
    const refusal = await verify(options, req, {
      draft,
      caps: getDraft(draft).caps,
      secure,
      protocols: offered ?? (negotiation.accept.protocol === '' ? [] : [negotiation.accept.protocol]),
      signal: attempt.signal,
    });
    if (attempt.over) return;
    if (refusal) return reject(host, socket, req, attempt, refusal);
  }
  let accept = negotiation.accept;
  if (offered !== undefined && options.handleProtocols) {
    const choice = await chooseProtocol(options, offered, req);
    if (attempt.over) return;
    if (!('chosen' in choice)) return reject(host, socket, req, attempt, choice);
    const { chosen } = choice;
    // negotiate() is pure and synchronous: run it again with the answer already known.
    const again =
      chosen === undefined ? negotiation : negotiate(requestHead, { ...base, selectProtocol: () => chosen });
    if (!again.ok) return reject(host, socket, req, attempt, again.rejection);
    accept = again.accept;
  }
  const response = responseHead(host, accept, req);
  // Nagle would hold a second small write (the hixie-76 answer) until the 101 is acknowledged.
  socket.setNoDelay(true);
  if (pending.length >= accept.bodyLength) {
    // Usual case (RFC 6455 has no body; hixie-76 key3 came with the head): one write, one segment.
    const bytes = pending.release();
    const answer =
      accept.bodyLength > 0 ? accept.answerBody(bytes.subarray(0, accept.bodyLength)) : undefined;
    socket.write(answer ? Buffer.concat([response, answer]) : response);
    attempt.succeeded();
    return open(host, req, socket, draft, accept, bytes.subarray(accept.bodyLength), done);
  }
  // Written before key3 is read, or a proxy holding key3 until it sees the 101 deadlocks (ws #687).
  socket.write(response);
  pending.whenAtLeast(accept.bodyLength, () => {
    if (socket.destroyed) return;
    const bytes = pending.release();
    socket.write(accept.answerBody(bytes.subarray(0, accept.bodyLength)));
    attempt.succeeded();
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
