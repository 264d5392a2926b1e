// createServer: a WebSocket server for every draft on a Node http(s) server's 'upgrade' event (docs/api.md).
import { EventEmitter } from 'node:events';
import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Connection } from '../connection/connection.js';
import { reportOrLog } from '../connection/listener-errors.js';
import type { Listener } from '../connection/typed-events.js';
import { versionList } from '../sniff/sniff.js';
import { ByteBudget } from './byte-budget.js';
import { type ResolvedServerOptions, resolveServerOptions, type ServerOptions } from './server-options.js';
import { runUpgrade, type UpgradeHost } from './upgrade.js';

export type ConnectionListener = (conn: Connection, req: IncomingMessage) => void;

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged interface only narrows EventEmitter methods.
export class WsServer extends EventEmitter {
  /** Open connections. */
  readonly clients = new Set<Connection>();
  private readonly options: ResolvedServerOptions;
  private readonly httpServer: HttpServer | HttpsServer | undefined;
  private readonly ownsServer: boolean;
  private readonly host: UpgradeHost;
  private pending = 0;
  private closing = false;
  private readonly onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    this.handleUpgrade(req, socket, head, this.emitConnection);
  };
  /** Made once: the handshake passes the request back, so no closure per connection is needed. */
  private readonly emitConnection: ConnectionListener = (conn, req) => this.emit('connection', conn, req);

  constructor(options: ServerOptions, onConnection?: ConnectionListener) {
    super();
    this.options = resolveServerOptions(options);
    if (onConnection !== undefined && typeof onConnection !== 'function')
      throw new TypeError('createServer: onConnection must be a function');
    if (onConnection) this.on('connection', onConnection);
    this.host = this.makeHost();
    this.ownsServer = this.options.mode === 'port';
    this.httpServer = this.ownsServer ? this.listen() : this.options.server;
    if (this.httpServer) {
      this.httpServer.on('upgrade', this.onUpgrade);
      if (!this.ownsServer) this.httpServer.on('error', (err) => this.emit('error', err));
    }
  }

  /** The bound address (port mode), the attached server's address, or null with noServer. */
  address(): AddressInfo | string | null {
    return this.httpServer?.address() ?? null;
  }

  /**
   * Run the opening handshake on a socket from an 'upgrade' event. `cb` gets the open connection;
   * refused handshakes are answered and emitted as 'rejected'.
   */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, cb: ConnectionListener): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    try {
      runUpgrade(this.host, req, socket, head, cb)?.catch((err: unknown) => this.upgradeFailed(socket, err));
    } catch (err) {
      this.upgradeFailed(socket, err);
    }
  }

  /** A bug (ours or a listener's) during a handshake costs that socket only. */
  private upgradeFailed(socket: Socket, err: unknown): void {
    socket.destroy();
    this.listenerError(err);
  }

  /**
   * A user callback threw: emitted as 'error' when someone listens, else logged to stderr once. The
   * process goes on serving (docs/api.md "Errors in your callbacks").
   */
  private readonly listenerError = (err: unknown): void =>
    // 'error' listeners are typed to get an Error: a thrown non-Error is wrapped.
    reportOrLog(
      this as EventEmitter,
      err instanceof Error ? err : new Error(String(err)),
      'a server callback',
    );

  /** Stop accepting, close every connection with 1001 (going away), then call `cb`. */
  close(cb?: (err?: Error) => void): void {
    if (this.closing) {
      if (cb) this.once('close', () => cb());
      return;
    }
    this.closing = true;
    let waiting = 1 + this.clients.size;
    const step = (): void => {
      if (--waiting > 0) return;
      this.emit('close');
      cb?.();
    };
    for (const conn of this.clients) {
      conn.once('close', step);
      conn.close(1001);
    }
    this.httpServer?.off('upgrade', this.onUpgrade);
    if (this.ownsServer && this.httpServer) this.httpServer.close(() => step());
    else queueMicrotask(step);
  }

  private listen(): HttpServer | HttpsServer {
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.plainHttp(req, res);
    // A request head that never completes is Node's to time out: check often enough to honour the option.
    const timeouts = {
      headersTimeout: this.options.handshakeTimeout,
      requestTimeout: 0,
      connectionsCheckingInterval: Math.min(this.options.handshakeTimeout, 1000),
    };
    const server = this.options.tls
      ? // TLS: Node's default is 120 s; a client that never finishes its TLS handshake gets ours.
        createHttpsServer(
          { ...this.options.tls, ...timeouts, handshakeTimeout: this.options.handshakeTimeout },
          handler,
        )
      : createHttpServer(timeouts, handler);
    server.on('error', (err) => this.emit('error', err));
    server.on('listening', () => this.emit('listening'));
    server.listen(this.options.port, this.options.host);
    return server;
  }

  /** RFC 9110 §15.5.22: a plain request to a WebSocket-only endpoint gets 426 with the protocols to use. */
  private plainHttp(req: IncomingMessage, res: ServerResponse): void {
    if (this.options.httpHandler) {
      this.options.httpHandler(req, res);
      return;
    }
    const body = 'this is a WebSocket endpoint\n';
    const versions = versionList(this.options.drafts);
    res.writeHead(426, {
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      ...(versions === '' ? {} : { 'Sec-WebSocket-Version': versions }),
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  private makeHost(): UpgradeHost {
    const clients = this.clients;
    // One listener function for every connection ('close' is emitted once): no closure per connection.
    function forget(this: Connection): void {
      clients.delete(this);
    }
    return {
      options: this.options,
      budget: new ByteBudget(this.options.maxBufferedBytes),
      load: () => this.clients.size + this.pending,
      pendingDelta: (delta) => {
        this.pending += delta;
      },
      editHeaders: (lines, req) => this.emit('headers', lines, req),
      wantsHeaders: () => this.listenerCount('headers') > 0,
      rejected: (status, reason, req) => this.emit('rejected', status, reason, req),
      listenerError: this.listenerError,
      opened: (conn) => {
        // A handshake that was under way when close() began: tell that client the server is going away.
        if (this.closing) {
          queueMicrotask(() => conn.close(1001));
          return;
        }
        this.clients.add(conn);
        conn.on('close', forget);
      },
    };
  }
}

export function createServer(options: ServerOptions, onConnection?: ConnectionListener): WsServer {
  return new WsServer(options, onConnection);
}

/** What a WsServer emits, with each listener's arguments (docs/api.md "Node layer"). */
export type WsServerEvents = {
  listening: [];
  connection: [conn: Connection, req: IncomingMessage];
  error: [err: Error];
  rejected: [status: number, reason: string, req: IncomingMessage];
  headers: [lines: string[], req: IncomingMessage];
  close: [];
};

type On = keyof WsServerEvents & string;
type L<K extends On> = Listener<WsServerEvents, K>;
/** Typed per-event listener methods, merged into the class (no string fallback: typos do not compile). */
export interface WsServer {
  on<K extends On>(event: K, listener: L<K>): this;
  once<K extends On>(event: K, listener: L<K>): this;
  off<K extends On>(event: K, listener: L<K>): this;
  addListener<K extends On>(event: K, listener: L<K>): this;
  removeListener<K extends On>(event: K, listener: L<K>): this;
  prependListener<K extends On>(event: K, listener: L<K>): this;
  prependOnceListener<K extends On>(event: K, listener: L<K>): this;
  emit<K extends On>(event: K, ...args: WsServerEvents[K]): boolean;
}
