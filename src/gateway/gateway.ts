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
import { createServer as createWsServer, type WsServer } from '../node/server.js';
import { type Admission, type ClientFacts, capsOf, clientFacts, openUpstream } from './admission.js';
import type { Bridge } from './bridge.js';
import type { LogRecord, RejectReason } from './log.js';
import { GatewayMetrics } from './metrics.js';
import { type GatewayOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { startPairing } from './pairing.js';
import { chooseTcpProtocol } from './policy.js';
import type { Side } from './side.js';
import { clientAddress } from './target.js';

export class Gateway extends EventEmitter {
  readonly metrics = new GatewayMetrics();
  private readonly o: ResolvedOptions;
  private readonly http: Server;
  private readonly ws: WsServer;
  private readonly admissions = new WeakMap<IncomingMessage, Admission>();
  private readonly bridges = new Set<Bridge>();
  private pending = 0;
  private nextId = 1;
  private shuttingDown = false;

  constructor(options: GatewayOptions) {
    super();
    this.o = resolveOptions(options);
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.plainHttp(req, res);
    const timeouts = { headersTimeout: this.o.handshakeTimeout, requestTimeout: 0 };
    this.http = this.o.tls
      ? createHttpsServer({ cert: this.o.tls.cert, key: this.o.tls.key, ...timeouts }, handler)
      : createHttpServer(timeouts, handler);
    this.ws = createWsServer({
      noServer: true,
      drafts: this.o.drafts,
      maxPayload: this.o.maxPayload,
      handshakeTimeout: this.o.handshakeTimeout,
      trustProxy: this.o.trustProxy,
      handleProtocols: (offered, req) => this.protocolFor(offered, req),
      verifyClient: ({ req }) => {
        const a = this.admissions.get(req);
        return a === undefined || a.ok ? true : { status: a.status, reason: a.reason };
      },
    });
    this.ws.on('rejected', (status: number, reason: string, req: IncomingMessage) =>
      this.rejected(status, reason, req),
    );
    this.ws.on('error', (err) => this.emit('error', err));
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      this.admit(req, socket, head).catch((err: unknown) => {
        socket.destroy();
        this.emit('error', err);
      });
    });
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

  /** Checks first (cheap, no upstream), then the upstream, then the client's handshake is answered. */
  private async admit(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => {});
    const facts = clientFacts(req, this.o.drafts);
    const refuse = (status: number, reason: string, label: RejectReason): void => {
      this.admissions.set(req, { ok: false, status, reason, label });
      this.ws.handleUpgrade(req, socket, head, () => {});
    };
    // An invalid handshake goes straight to the server, which answers 400/426 without any upstream.
    if (facts.draft === undefined) return this.ws.handleUpgrade(req, socket, head, () => {});
    if (this.shuttingDown) return refuse(503, 'gateway shutting down', 'shutting_down');
    if (!this.o.originAllowed(facts.origin)) return refuse(403, 'origin not allowed', 'origin');
    if (this.bridges.size + this.pending >= this.o.maxConnections)
      return refuse(503, 'too many connections', 'max_connections');
    // Counted from here until paired or gone, for maxConnections and for shutdown to wait on.
    this.pending++;
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      this.pending--;
      this.emit('bridge-done');
    };
    const abort = new AbortController();
    socket.once('close', () => {
      abort.abort();
      release();
    });
    let admission = await openUpstream(this.o, req, facts, facts.draft, abort.signal);
    if (admission.ok && (socket.destroyed || this.shuttingDown)) {
      admission.upstream.terminate();
      admission = { ok: false, status: 503, reason: 'gateway shutting down', label: 'shutting_down' };
    }
    if (socket.destroyed) return;
    this.admissions.set(req, admission);
    if (!admission.ok) return this.ws.handleUpgrade(req, socket, head, () => {});
    const upstream = admission.upstream;
    // If the client's side of the handshake then fails (bad key3, timeout), nobody needs this upstream.
    const orphan = (): void => upstream.terminate();
    socket.once('close', orphan);
    this.ws.handleUpgrade(req, socket, head, (conn) => {
      socket.off('close', orphan);
      this.pair(conn, req, socket, upstream, facts);
      release();
    });
  }

  private protocolFor(offered: string[], req: IncomingMessage): string | undefined {
    const a = this.admissions.get(req);
    if (a === undefined || !a.ok) return undefined;
    if (this.o.upstream.kind === 'tcp') return chooseTcpProtocol(offered, capsOf(a.draft));
    return a.protocol !== undefined && offered.includes(a.protocol) ? a.protocol : undefined;
  }

  private pair(
    conn: Connection,
    req: IncomingMessage,
    socket: Socket,
    upstream: Side,
    facts: ClientFacts,
  ): void {
    const bridge = startPairing({
      options: this.o,
      metrics: this.metrics,
      log: (r) => this.log(r),
      id: this.nextId++,
      conn,
      req,
      socket,
      upstream,
      userAgent: facts.userAgent,
      origin: facts.origin,
      done: () => {
        this.bridges.delete(bridge);
        this.emit('bridge-done');
      },
    });
    this.bridges.add(bridge);
    if (this.shuttingDown) bridge.shutdown();
  }

  private rejected(status: number, reason: string, req: IncomingMessage): void {
    const a = this.admissions.get(req);
    const label: RejectReason = a !== undefined && !a.ok ? a.label : 'handshake';
    if (a?.ok) a.upstream.close({ code: 1001, reason: 'client handshake failed' });
    this.metrics.rejected(label);
    const facts = clientFacts(req, this.o.drafts);
    this.log({
      event: 'reject',
      time: now(),
      reason: label,
      status,
      draft: facts.draft ?? '',
      remote: clientAddress(
        req.headers['x-forwarded-for'] as string | undefined,
        req.socket.remoteAddress ?? '',
        this.o.trustProxy,
      ),
      userAgent: facts.userAgent,
      origin: facts.origin ?? '',
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
