// connect(): a client for any draft over net/tls; the request goes out in one write, the response head
// is parsed bounded, then the draft's verdict opens the connection (RFC 6455 §4.1; hixie-76 §4.1).
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Connection } from '../connection/connection.js';
import { HANDSHAKE_FAILED, OPEN, SET_ABORT } from '../connection/internal.js';
import { readHandshakeResponse } from '../core/client-handshake.js';
import { cryptoRng } from '../core/rng.js';
import type { ClientRequest, CodecOptions, Draft } from '../core/types.js';
import { getDraft } from '../drafts.js';
import { type ClientOptions, type ResolvedClientOptions, resolveClientOptions } from './client-options.js';
import { createCompression } from './compression-options.js';
import { DEFAULT_WRITE_HIGH_WATER_MARK, ignoreSocketError, SocketTransport } from './socket-transport.js';

/** A refused or broken opening handshake; `status` when the server answered with an HTTP status. */
export class HandshakeError extends Error {
  override name = 'HandshakeError';
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

function parseUrl(url: string | URL): URL {
  const target = new URL(url);
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:')
    throw new SyntaxError(`connect: URL scheme must be ws: or wss:, got ${target.protocol}`);
  if (target.hash !== '') throw new SyntaxError('connect: a WebSocket URL has no fragment (RFC 6455 §3)');
  return target;
}

function openSocket(target: URL, o: ResolvedClientOptions): Socket {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const secure = target.protocol === 'wss:';
  const port = target.port === '' ? (secure ? 443 : 80) : Number(target.port);
  if (!secure) return netConnect({ host, port });
  // SNI carries host names only (RFC 6066 §3).
  const servername = o.servername ?? (isIP(host) === 0 ? host : undefined);
  return tlsConnect({
    host,
    port,
    ...(servername === undefined ? {} : { servername }),
    ...(o.ca === undefined ? {} : { ca: o.ca as string | Buffer | (string | Buffer)[] }),
    ...(o.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: o.rejectUnauthorized }),
  });
}

/** Open a WebSocket to `url`; the returned connection is CONNECTING until 'open' (or 'error' + 'close'). */
export function connect(url: string | URL, options?: ClientOptions): Connection {
  const o = resolveClientOptions(options);
  const target = parseUrl(url);
  const draft = getDraft(o.draft);
  const rng = o.rng ?? cryptoRng;
  const request = draft.buildRequest({
    url: target,
    protocols: o.protocols,
    headers: o.headers,
    rng,
    ...(o.origin === undefined ? {} : { origin: o.origin }),
    ...(o.perMessageDeflate && draft.caps.compression ? { compression: o.perMessageDeflate.policy } : {}),
  });
  const conn = new Connection({
    draft: draft.id,
    caps: draft.caps,
    role: 'client',
    url: target.href,
    closeTimeout: o.closeTimeout,
    binaryToLegacy: o.binaryToLegacy,
  });
  runHandshake(conn, draft, request, openSocket(target, o), o, rng);
  return conn;
}

function runHandshake(
  conn: Connection,
  draft: Draft,
  request: ClientRequest,
  socket: Socket,
  o: ResolvedClientOptions,
  rng: ResolvedClientOptions['rng'] & {},
): void {
  let received: Buffer = Buffer.alloc(0);
  let done = false;
  const timer = setTimeout(() => fail(new HandshakeError('opening handshake timed out')), o.handshakeTimeout);
  const cleanup = (): void => {
    done = true;
    socket.pause();
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('close', onClose);
    // This listener would keep the handshake's state alive: a shared no-op takes its place.
    socket.off('error', fail);
    socket.on('error', ignoreSocketError);
  };
  const fail = (err: Error): void => {
    if (done) return;
    cleanup();
    socket.destroy();
    conn[HANDSHAKE_FAILED](err);
  };
  const onClose = (): void => fail(new HandshakeError('connection closed during the opening handshake'));
  const onData = (chunk: Buffer): void => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    const outcome = readHandshakeResponse(received, request);
    if (outcome.kind === 'wait') return;
    if (outcome.kind === 'refused') {
      fail(new HandshakeError(outcome.reason, outcome.head?.status));
      return;
    }
    cleanup();
    openClientOver(
      conn,
      draft,
      socket,
      outcome,
      received.subarray(outcome.bodyEnd),
      {
        maxPayload: o.maxPayload,
        rng,
        ...(o.maxFragments === undefined ? {} : { maxFragments: o.maxFragments }),
        ...createCompression(outcome.compression, o.perMessageDeflate),
      },
      o.writeHighWaterMark,
    );
  };
  conn[SET_ABORT](() => fail(new HandshakeError('aborted')));
  socket.on('error', fail);
  socket.on('close', onClose);
  socket.on('data', onData);
  // One write, as browsers did: the socket holds it until connected (hixie-76 key3 rides with the head).
  socket.write(request.bytes);
}

/**
 * A client connection still CONNECTING opens over `socket` once its handshake succeeded (here, or in
 * wscompat/ws's http.request client); `leftover` is what the server sent right behind its handshake.
 */
export function openClientOver(
  conn: Connection,
  draft: Draft,
  socket: Socket,
  negotiated: { readonly protocol: string; readonly extensions: string },
  leftover: Buffer,
  codecOptions: CodecOptions,
  writeHighWaterMark = DEFAULT_WRITE_HIGH_WATER_MARK,
): void {
  const transport = new SocketTransport(socket, { writeHighWaterMark });
  conn[OPEN]({
    transport,
    codec: draft.createCodec('client', codecOptions),
    protocol: negotiated.protocol,
    extensions: negotiated.extensions,
    emitOpen: true,
  });
  transport.start(leftover, true);
}
