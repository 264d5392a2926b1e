// The server side of one opening handshake on a Node socket: negotiate, run the hooks, write the 101 at
// once, collect the hixie-76 body (key3, drafts.md §2 "The 8-byte body through proxies"), then open.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Connection } from '../connection/connection.js';
import { OPEN, SET_LISTENER_ERRORS } from '../connection/internal.js';
import { EMPTY } from '../core/bytes.js';
import { requestOrigin } from '../core/headers.js';
import { serializeRejection } from '../core/http-head.js';
import { cryptoRng } from '../core/rng.js';
import type { AcceptResult, DraftId, HeaderLine } from '../core/types.js';
import { getDraft } from '../drafts.js';
import { negotiate } from '../sniff/negotiate.js';
import { type ByteBudget, refuseWhenOverBudget } from './byte-budget.js';
import { createCompression } from './compression-options.js';
import { watchIdle } from './keepalive.js';
import { PendingBytes } from './pending-bytes.js';
import { isSecureRequest, toRequestHead } from './request-head.js';
import type { ResolvedServerOptions } from './server-options.js';
import { ignoreSocketError, SocketTransport } from './socket-transport.js';
import { chooseProtocol, HandshakeAttempt, verify } from './upgrade-hooks.js';

type Accepted = Extract<AcceptResult, { ok: true }>;

/** What the handshake needs from the server that owns it. */
export interface UpgradeHost {
  readonly options: ResolvedServerOptions;
  /** Bytes every connection holds in incomplete messages (maxBufferedBytes). */
  readonly budget: ByteBudget;
  /** Open connections plus handshakes in progress, for maxConnections. */
  load(): number;
  pendingDelta(delta: 1 | -1): void;
  /** Lets 'headers' listeners see (and append to) the 101 head lines before it is written. */
  editHeaders(lines: string[], req: IncomingMessage): void;
  /** Someone listens to 'headers': without, the head is written as the draft built it. */
  wantsHeaders(): boolean;
  rejected(status: number, reason: string, req: IncomingMessage): void;
  opened(conn: Connection): void;
  /** A user callback threw (verifyClient, handleProtocols, 'connection' or a connection's listener). */
  readonly listenerError: (err: unknown) => void;
}

/** One handshake's fixed facts, passed along its steps. */
interface Handshake {
  readonly host: UpgradeHost;
  readonly req: IncomingMessage;
  readonly socket: Socket;
  readonly head: Buffer;
  readonly done: (conn: Connection, req: IncomingMessage) => void;
}

/**
 * What a handshake that cannot finish at once needs (hooks that may be async, hixie-76 key3 still to come):
 * the bytes arriving meanwhile, the timeout, the client leaving. A handshake that finishes within the
 * 'upgrade' event needs none of it.
 */
interface Waiting {
  readonly pending: PendingBytes;
  readonly attempt: HandshakeAttempt;
}

function startWaiting(hs: Handshake): Waiting {
  return {
    pending: new PendingBytes(hs.socket, hs.head),
    attempt: new HandshakeAttempt(hs.host, hs.socket, hs.host.options.handshakeTimeout),
  };
}

function reject(
  hs: Handshake,
  waiting: Waiting | undefined,
  rejection: { status: number; reason: string; headers?: readonly HeaderLine[] },
  headWritten = false,
): undefined {
  const { host, socket, req } = hs;
  const { status, reason, headers = [] } = rejection;
  waiting?.attempt.giveUp('refused', `refused with ${status}`);
  host.rejected(status, reason, req);
  // After a hixie-76 101 head no status can follow: without its 16-byte answer the client fails.
  if (!headWritten && !socket.destroyed && socket.writable)
    socket.end(serializeRejection({ status, reason, headers }));
  else socket.destroy();
  return undefined;
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
 * Without hooks the whole handshake runs within the event; a promise is returned only when it waits.
 */
export function runUpgrade(
  host: UpgradeHost,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  done: (conn: Connection, req: IncomingMessage) => void,
): Promise<void> | undefined {
  const { options } = host;
  // Node removed its own error listener on upgrade: a shared no-op stays for the socket's whole life.
  socket.on('error', ignoreSocketError);
  const hs: Handshake = { host, req, socket, head, done };
  // Handshakes in progress count (maxConnections); this one is not counted yet.
  if (host.load() >= options.maxConnections)
    return reject(hs, undefined, { status: 503, reason: 'too many connections' });
  const requestHead = toRequestHead(req);
  const secure = isSecureRequest(req, options.trustProxy);
  const base = {
    drafts: options.drafts,
    secure,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.perMessageDeflate ? { compression: options.perMessageDeflate.policy } : {}),
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
  if (!negotiation.ok) return reject(hs, undefined, negotiation.rejection);
  const asks = offered !== undefined && options.handleProtocols !== undefined;
  if (!options.verifyClient && !asks) return answer(hs, negotiation.draft, negotiation.accept, undefined);
  const client = { secure, origin: requestOrigin(requestHead.headers) };
  return runHooks(hs, negotiation, offered, client, (chosen) =>
    negotiate(requestHead, { ...base, selectProtocol: () => chosen }),
  );
}

type Negotiated = Extract<ReturnType<typeof negotiate>, { ok: true }>;

/** verifyClient then handleProtocols, either of which may be async; the handshake is counted meanwhile. */
async function runHooks(
  hs: Handshake,
  negotiation: Negotiated,
  offered: readonly string[] | undefined,
  client: { readonly secure: boolean; readonly origin: string | undefined },
  renegotiate: (chosen: string) => ReturnType<typeof negotiate>,
): Promise<void> {
  const { options } = hs.host;
  const waiting = startWaiting(hs);
  const { attempt } = waiting;
  const { draft } = negotiation;
  // Hixie-76: what verifyClient sets up (a gateway's upstream) must never be held by a client that sends
  // a head and then nothing, so it runs once key3 is in. A proxy (nginx) holds key3 until it sees the 101
  // (ws #687), so the head goes out first; a refusal after that can only drop the connection.
  const bodyLength = negotiation.accept.bodyLength;
  const headFirst =
    bodyLength > 0 && options.verifyClient !== undefined && waiting.pending.length < bodyLength;
  if (headFirst) {
    hs.socket.setNoDelay(true);
    hs.socket.write(responseHead(hs.host, negotiation.accept, hs.req));
    await new Promise<void>((resolve) => {
      waiting.pending.whenAtLeast(bodyLength, resolve);
      hs.socket.once('close', () => resolve());
    });
    if (attempt.over) return;
  }
  if (options.verifyClient) {
    const refusal = await verify(options, hs.host.listenerError, hs.req, {
      draft,
      caps: getDraft(draft).caps,
      ...client,
      protocols: offered ?? (negotiation.accept.protocol === '' ? [] : [negotiation.accept.protocol]),
      signal: attempt.signal,
    });
    if (attempt.over) return;
    if (refusal) return reject(hs, waiting, refusal, headFirst);
  }
  let accept = negotiation.accept;
  if (offered !== undefined && options.handleProtocols) {
    const choice = await chooseProtocol(options, hs.host.listenerError, offered, hs.req);
    if (attempt.over) return;
    if (!('chosen' in choice)) return reject(hs, waiting, choice);
    const { chosen } = choice;
    // negotiate() is pure and synchronous: run it again with the answer already known.
    const again = chosen === undefined ? negotiation : renegotiate(chosen);
    if (!again.ok) return reject(hs, waiting, again.rejection);
    accept = again.accept;
  }
  answer(hs, draft, accept, waiting, headFirst);
}

/** The 101 (and the hixie-76 answer once key3 is in), then the open connection. */
function answer(
  hs: Handshake,
  draft: DraftId,
  accept: Accepted,
  waiting: Waiting | undefined,
  headWritten = false,
): undefined {
  const { socket } = hs;
  const response = headWritten ? EMPTY : responseHead(hs.host, accept, hs.req);
  // Nagle would hold a second small write (the hixie-76 answer) until the 101 is acknowledged.
  socket.setNoDelay(true);
  const have = waiting ? waiting.pending.length : hs.head.length;
  if (have >= accept.bodyLength) {
    // Usual case (RFC 6455 has no body; hixie-76 key3 came with the head): one write, one segment.
    const bytes = waiting ? waiting.pending.release() : hs.head;
    const body = accept.bodyLength > 0 ? accept.answerBody(bytes.subarray(0, accept.bodyLength)) : undefined;
    socket.write(body ? (headWritten ? body : Buffer.concat([response, body])) : response);
    waiting?.attempt.succeeded();
    open(hs, draft, accept, bytes.subarray(accept.bodyLength));
    return;
  }
  // Written before key3 is read, or a proxy holding key3 until it sees the 101 deadlocks (ws #687).
  socket.write(response);
  const { pending, attempt } = waiting ?? startWaiting(hs);
  pending.whenAtLeast(accept.bodyLength, () => {
    if (socket.destroyed) return;
    const bytes = pending.release();
    socket.write(accept.answerBody(bytes.subarray(0, accept.bodyLength)));
    attempt.succeeded();
    open(hs, draft, accept, bytes.subarray(accept.bodyLength));
  });
  return;
}

function open(hs: Handshake, draftId: DraftId, accept: Accepted, leftover: Buffer): void {
  const { host, req, socket } = hs;
  // Not reading until the transport starts (a 'data' listener would resume the stream by itself).
  socket.pause();
  const draft = getDraft(draftId);
  const conn = new Connection({
    draft: draftId,
    caps: draft.caps,
    role: 'server',
    url: req.url ?? '/',
    closeTimeout: host.options.closeTimeout,
    binaryToLegacy: host.options.binaryToLegacy,
  });
  conn[SET_LISTENER_ERRORS](host.listenerError);
  const { options } = host;
  const transport = new SocketTransport(socket, {
    writeHighWaterMark: options.writeHighWaterMark,
    budget: { shared: host.budget, over: refuseWhenOverBudget(conn) },
  });
  conn[OPEN]({
    transport,
    codec: draft.createCodec('server', {
      maxPayload: options.maxPayload,
      maxFragments: options.maxFragments,
      rng: cryptoRng,
      ...createCompression(accept.compression, options.perMessageDeflate),
    }),
    protocol: accept.protocol,
    extensions: accept.extensions,
    emitOpen: false,
  });
  watchIdle(conn, transport, options.idleTimeout);
  host.opened(conn);
  try {
    hs.done(conn, req);
  } catch (err) {
    // A throwing 'connection' listener costs this connection only (docs/api.md "Errors in your callbacks").
    host.listenerError(err);
    conn.close(1011, 'internal error');
  }
  // After the user's 'connection' listener ran, so it sees frames pipelined behind the handshake.
  transport.start(leftover, false);
}
