// The client side of RFC 8441: a WebSocket as one stream of an HTTP/2 session (its own, or one shared by
// many WebSockets), opened by an extended CONNECT once the server's SETTINGS allow it (§3, §4).
import { type ClientHttp2Session, type ClientHttp2Stream, connect as http2Connect } from 'node:http2';
import { isIP } from 'node:net';
import type { Connection } from '../connection/connection.js';
import { HANDSHAKE_FAILED, OPEN, SET_ABORT } from '../connection/internal.js';
import { cryptoRng } from '../core/rng.js';
import { getDraft } from '../drafts.js';
import { extensionOffer, readExtensionAnswer } from '../extensions/negotiate.js';
import { HandshakeError } from './client.js';
import type { ResolvedClientOptions } from './client-options.js';
import { createCompression } from './compression-options.js';
import { SocketTransport } from './socket-transport.js';

/** A session of our own for one WebSocket (closed with it), to the URL's host over TLS. */
function ownSession(target: URL, o: ResolvedClientOptions): ClientHttp2Session {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const servername = o.servername ?? (isIP(host) === 0 ? host : undefined);
  return http2Connect(`https://${target.host}`, {
    ...(servername === undefined ? {} : { servername }),
    ...(o.ca === undefined ? {} : { ca: o.ca as string | Buffer | (string | Buffer)[] }),
    ...(o.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: o.rejectUnauthorized }),
  });
}

/** Per session, one wait for the server's SETTINGS, however many WebSockets wait on it. */
const settingsOf = new WeakMap<ClientHttp2Session, Promise<boolean | Error>>();

/**
 * Resolves once the server's SETTINGS are in: true when they allow extended CONNECT, false when not, an
 * Error when the session failed first.
 */
function connectAllowed(session: ClientHttp2Session): Promise<boolean | Error> {
  let known = settingsOf.get(session);
  if (known) return known;
  known = new Promise((resolve) => {
    const done = (v: boolean | Error): void => {
      session.off('remoteSettings', onSettings);
      session.off('error', onError);
      session.off('close', onClose);
      resolve(v);
    };
    const onSettings = (s: { enableConnectProtocol?: boolean }): void =>
      done(s.enableConnectProtocol === true);
    const onError = (err: Error): void => done(err);
    const onClose = (): void => done(new HandshakeError('HTTP/2 session closed during the handshake'));
    // Node fills remoteSettings from the first SETTINGS frame; a session that already has them says so.
    if (
      (session as { remoteSettings?: { enableConnectProtocol?: boolean } }).remoteSettings
        ?.enableConnectProtocol
    )
      return resolve(true);
    session.on('remoteSettings', onSettings);
    session.on('error', onError);
    session.on('close', onClose);
  });
  settingsOf.set(session, known);
  return known;
}

/**
 * Open `conn` (CONNECTING) as a WebSocket over an HTTP/2 stream: `shared` when given (it stays open after),
 * else a session of its own. The same Connection, codec and events as over TCP.
 */
export function handshakeOverHttp2(
  conn: Connection,
  target: URL,
  o: ResolvedClientOptions,
  shared: ClientHttp2Session | undefined,
): void {
  const session = shared ?? ownSession(target, o);
  let stream: ClientHttp2Stream | undefined;
  let done = false;
  const timer = setTimeout(() => fail(new HandshakeError('opening handshake timed out')), o.handshakeTimeout);
  const cleanup = (): void => {
    done = true;
    clearTimeout(timer);
  };
  function fail(err: Error): void {
    if (done) return;
    cleanup();
    stream?.close();
    if (!shared) session.destroy();
    conn[HANDSHAKE_FAILED](err);
  }
  conn[SET_ABORT](() => fail(new HandshakeError('aborted')));
  // Our own session's errors reach us through connectAllowed or the stream; none may go unheard.
  if (!shared) session.on('error', () => {});
  connectAllowed(session).then((allowed) => {
    if (done) return;
    if (allowed instanceof Error) {
      fail(allowed);
      return;
    }
    if (!allowed) {
      fail(
        new HandshakeError(
          'the server does not allow extended CONNECT (RFC 8441 SETTINGS_ENABLE_CONNECT_PROTOCOL)',
        ),
      );
      return;
    }
    const headers: Record<string, string> = {
      ':method': 'CONNECT',
      ':protocol': 'websocket',
      ':scheme': 'https',
      ':path': `${target.pathname}${target.search}`,
      ':authority': target.host,
      'sec-websocket-version': '13',
    };
    if (o.protocols.length > 0) headers['sec-websocket-protocol'] = o.protocols.join(', ');
    const policy = o.perMessageDeflate?.policy;
    if (policy) headers['sec-websocket-extensions'] = extensionOffer(policy);
    if (o.origin !== undefined) headers.origin = o.origin;
    for (const [name, value] of o.headers) headers[name.toLowerCase()] = value;
    let s: ClientHttp2Stream;
    try {
      s = session.request(headers);
    } catch (err) {
      // A shared session closed or destroyed since: no stream to open on it.
      fail(err as Error);
      return;
    }
    stream = s;
    s.on('error', (err: Error) => fail(err));
    s.once('close', () => fail(new HandshakeError('stream closed during the opening handshake')));
    s.once('response', (h) => {
      const status = Number(h[':status']);
      if (status < 200 || status > 299) {
        fail(new HandshakeError(`server answered ${status}`, status));
        return;
      }
      const raw = h['sec-websocket-protocol'];
      const protocol = (Array.isArray(raw) ? raw.join(', ') : raw) ?? '';
      // RFC 6455 §4.1: a subprotocol the client did not offer fails the connection.
      if (protocol !== '' && !o.protocols.includes(protocol)) {
        fail(new HandshakeError(`server chose subprotocol '${protocol}', which was not offered`));
        return;
      }
      // The same reading as of a 101: an extension not offered, or a parameter outside the offer, fails.
      const rawExt = h['sec-websocket-extensions'];
      const extValues = rawExt === undefined ? [] : Array.isArray(rawExt) ? rawExt : [rawExt];
      const ext = readExtensionAnswer(extValues, policy);
      if (!ext.ok) {
        fail(new HandshakeError(ext.reason));
        return;
      }
      cleanup();
      s.removeAllListeners('close');
      s.pause();
      if (!shared) s.once('close', () => session.close());
      const draft = getDraft('rfc6455');
      const transport = new SocketTransport(s);
      conn[OPEN]({
        transport,
        codec: draft.createCodec('client', {
          maxPayload: o.maxPayload,
          rng: o.rng ?? cryptoRng,
          ...createCompression(ext.negotiated, o.perMessageDeflate),
        }),
        protocol,
        extensions: extValues.join(', '),
        emitOpen: true,
      });
      transport.start(Buffer.alloc(0), true);
    });
  });
}
