// createGateway(): one listener taking clients of every draft, each paired with its own upstream;
// /healthz and /metrics on the same listener; graceful shutdown (close 1001, RFC 6455 §7.4.1).
import { EventEmitter } from 'node:events';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Connection } from '../connection/connection.js';
import type { Caps, DraftId } from '../core/types.js';
import { createServer as createWsServer, type WsServer } from '../node/server.js';
import type { VerifyClientInfo, VerifyClientResult } from '../node/server-options.js';
import { header, openUpstream } from './admission.js';
import type { Bridge } from './bridge.js';
import type { LogRecord, RejectReason } from './log.js';
import { GatewayMetrics } from './metrics.js';
import { type GatewayOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { startPairing } from './pairing.js';
import { chooseTcpProtocol } from './policy.js';
import type { Side } from './side.js';
import { clientAddress } from './target.js';

/** A client verifyClient admitted: its open upstream, waiting for the client's handshake to finish. */
interface Admitted {
  readonly upstream: Side;
  readonly protocol: string | undefined;
  readonly caps: Caps;
  readonly origin: string | undefined;
  /** Stop counting the client as pending (paired or given up). */
  readonly release: () => void;
}

export class Gateway extends EventEmitter {
  readonly metrics = new GatewayMetrics();
  private readonly o: ResolvedOptions;
  private readonly http: Server;
  private readonly ws: WsServer;
  private readonly admitted = new WeakMap<IncomingMessage, Admitted>();
  /** Why verifyClient refused a request, for the 'rejected' log line and metrics. */
  private readonly refusals = new WeakMap<IncomingMessage, { label: RejectReason; draft: DraftId }>();
  private readonly bridges = new Set<Bridge>();
  private pending = 0;
  private nextId = 1;
  private shuttingDown = false;

  constructor(options: GatewayOptions) {
    super();
    this.o = resolveOptions(options);
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.plainHttp(req, res);
    // Node checks head deadlines every connectionsCheckingInterval (30 s by default): often enough to honour
    // handshakeTimeout. TLS handshakes get the same limit instead of Node's 120 s.
    const timeouts = {
      headersTimeout: this.o.handshakeTimeout,
      requestTimeout: 0,
      connectionsCheckingInterval: Math.min(this.o.handshakeTimeout, 1000),
    };
    this.http = this.o.tls
      ? createHttpsServer(
          {
            cert: this.o.tls.cert,
            key: this.o.tls.key,
            ...timeouts,
            handshakeTimeout: this.o.handshakeTimeout,
          },
          handler,
        )
      : createHttpServer(timeouts, handler);
    this.ws = createWsServer({
      noServer: true,
      drafts: this.o.drafts,
      maxPayload: this.o.maxPayload,
      idleTimeout: this.o.idleTimeout,
      ...(this.o.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: this.o.maxBufferedBytes }),
      // verifyClient waits for the upstream (connectTimeout); handshakeTimeout is for the client's part.
      handshakeTimeout: this.o.handshakeTimeout + this.o.connectTimeout,
      trustProxy: this.o.trustProxy,
      perMessageDeflate: this.o.perMessageDeflate,
      verifyClient: (info) => this.admit(info),
      handleProtocols: (offered, req) => this.protocolFor(offered, req),
    });
    this.ws.on('rejected', (status: number, reason: string, req: IncomingMessage) =>
      this.rejected(status, reason, req),
    );
    this.ws.on('error', (err) => this.emit('error', err));
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.ws.handleUpgrade(req, socket, head, (conn) => this.pair(conn, req)),
    );
    this.http.on('error', (err) => this.emit('error', err));
    this.http.listen(this.o.port, this.o.host, () => {
      const a = this.http.address() as AddressInfo;
      this.log({
        event: 'listening',
        time: now(),
        address: `${a.address}:${a.port}`,
        upstream: this.upstreamName(),
      });
      this.emit('listening');
    });
  }

  address(): AddressInfo {
    return this.http.address() as AddressInfo;
  }

  /** Client connections open now. */
  get connections(): number {
    return this.bridges.size;
  }

  /** Bytes written by the gateway and not yet handed to the OS, over every pairing and both directions. */
  get bufferedAmount(): number {
    let n = 0;
    for (const b of this.bridges) n += b.bufferedAmount;
    return n;
  }

  /** Stop accepting, close every pairing with 1001, wait up to shutdownTimeout, then drop what is left. */
  close(cb?: () => void): void {
    if (this.shuttingDown) {
      if (cb) this.once('close', cb);
      return;
    }
    this.shuttingDown = true;
    if (cb) this.once('close', cb);
    this.log({ event: 'shutdown', time: now(), open: this.bridges.size });
    this.http.close();
    for (const b of this.bridges) b.shutdown();
    const force = setTimeout(() => {
      for (const b of this.bridges) b.terminate();
    }, this.o.shutdownTimeout);
    const check = (): void => {
      if (this.bridges.size > 0 || this.pending > 0) return;
      clearTimeout(force);
      this.http.closeAllConnections();
      this.off('bridge-done', check);
      this.emit('close');
    };
    this.on('bridge-done', check);
    check();
  }

  private upstreamName(): string {
    const u = this.o.upstream;
    return u.kind === 'tcp' ? `tcp://${u.host}:${u.port}` : u.url.href;
  }

  private log(record: LogRecord): void {
    try {
      this.o.log(record);
    } catch {
      // A failing logger must not take connections down with it.
    }
  }

  private plainHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (this.o.healthPath !== false && path === this.o.healthPath) {
      const body = this.shuttingDown ? 'shutting down\n' : 'ok\n';
      res.writeHead(this.shuttingDown ? 503 : 200, {
        'Content-Type': 'text/plain',
        'Content-Length': body.length,
      });
      res.end(body);
      return;
    }
    if (this.o.metricsPath !== false && path === this.o.metricsPath) {
      const body = this.metrics.render();
      res.writeHead(200, {
        'Content-Type': 'text/plain; version=0.0.4',
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    const body = 'this is a WebSocket gateway\n';
    res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  }

  /**
   * verifyClient: the server has checked the handshake; then cheap checks, then the upstream, so its
   * subprotocol or refusal reaches the client. The abort signal releases everything if the client's side
   * of the handshake fails later (gone, key3 timeout).
   */
  private async admit(info: VerifyClientInfo): Promise<VerifyClientResult> {
    const refuse = (status: number, reason: string, label: RejectReason): VerifyClientResult => {
      this.refusals.set(info.req, { label, draft: info.draft });
      return { status, reason };
    };
    if (this.shuttingDown) return refuse(503, 'gateway shutting down', 'shutting_down');
    if (!this.o.originAllowed(info.origin)) return refuse(403, 'origin not allowed', 'origin');
    if (this.bridges.size + this.pending >= this.o.maxConnections)
      return refuse(503, 'too many connections', 'max_connections');
    // Counted from here until paired or given up, for maxConnections and for shutdown to wait on.
    this.pending++;
    const release = (): void => {
      this.pending--;
      this.emit('bridge-done');
    };
    let upstream: Side | undefined;
    const giveUp = (): void => {
      // Nobody will read this upstream: let it see its close answered instead of waiting for a timeout.
      upstream?.resume();
      upstream?.close({ code: 1001, reason: 'client handshake failed' });
      release();
    };
    info.signal.addEventListener('abort', giveUp, { once: true });
    const a = await openUpstream(this.o, info);
    if (!a.ok) return refuse(a.status, a.reason, a.label);
    if (info.signal.aborted || this.shuttingDown) {
      a.upstream.terminate();
      return refuse(503, 'gateway shutting down', 'shutting_down');
    }
    upstream = a.upstream;
    const done = (): void => {
      info.signal.removeEventListener('abort', giveUp);
      release();
    };
    this.admitted.set(info.req, { ...a, caps: info.caps, origin: info.origin, release: done });
    return true;
  }

  private protocolFor(offered: string[], req: IncomingMessage): string | undefined {
    const a = this.admitted.get(req);
    if (a === undefined) return undefined;
    if (this.o.upstream.kind === 'tcp') return chooseTcpProtocol(offered, a.caps);
    return a.protocol !== undefined && offered.includes(a.protocol) ? a.protocol : undefined;
  }

  private pair(conn: Connection, req: IncomingMessage): void {
    const a = this.admitted.get(req);
    if (a === undefined) {
      conn.terminate();
      return;
    }
    this.admitted.delete(req);
    const bridge = startPairing({
      options: this.o,
      metrics: this.metrics,
      log: (r) => this.log(r),
      id: this.nextId++,
      conn,
      req,
      upstream: a.upstream,
      userAgent: header(req, 'user-agent') ?? '',
      origin: a.origin,
      done: () => {
        this.bridges.delete(bridge);
        this.emit('bridge-done');
      },
    });
    this.bridges.add(bridge);
    a.release();
    if (this.shuttingDown) bridge.shutdown();
  }

  private rejected(status: number, reason: string, req: IncomingMessage): void {
    // Refusals by the server itself (400, 426, timeouts of its own) happen before verifyClient.
    const r = this.refusals.get(req);
    const label: RejectReason = r?.label ?? 'handshake';
    this.metrics.rejected(label);
    this.log({
      event: 'reject',
      time: now(),
      reason: label,
      status,
      draft: r?.draft ?? '',
      remote: clientAddress(
        header(req, 'x-forwarded-for'),
        req.socket.remoteAddress ?? '',
        this.o.trustProxy,
      ),
      userAgent: header(req, 'user-agent') ?? '',
      origin: header(req, 'origin') ?? header(req, 'sec-websocket-origin') ?? '',
      path: req.url ?? '/',
      detail: reason,
    });
  }
}

function now(): string {
  return new Date().toISOString();
}

/** Start a gateway; listen for 'listening' (or read `address()` after it) and call `close()` to drain. */
export function createGateway(options: GatewayOptions): Gateway {
  return new Gateway(options);
}
