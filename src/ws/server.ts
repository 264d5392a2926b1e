// ws 8's WebSocketServer over wscompat's native server (lib/websocket-server.js): the same modes, options,
// events and close() semantics, while the handshake itself (every draft, hixie included) is wscompat's.
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createNativeServer, type WsServer } from '../node/server.js';
import { nativeServerOptions } from './server-options.js';
import type { ServerOptions } from './types.js';
import { ADOPT, WebSocket } from './websocket.js';

type State = 'running' | 'closing' | 'closed';
type Done = (client: WebSocket, request: IncomingMessage) => void;

/** ws's abortHandshake: a minimal HTTP answer, then the socket is gone. */
function abortHandshake(socket: Duplex, code: number): void {
  const message = STATUS_CODES[code] ?? '';
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${code} ${message}\r\nConnection: close\r\nContent-Type: text/html\r\n` +
        `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
    );
  socket.destroy();
}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged interface only narrows EventEmitter methods.
export class WebSocketServer extends EventEmitter {
  readonly options: ServerOptions;
  /** The open clients, unless `clientTracking: false`. */
  readonly clients!: Set<WebSocket>;
  private readonly native: WsServer;
  private server: Server | HttpsServer | undefined;
  private readonly ownsServer: boolean;
  private state: State = 'running';
  private shouldEmitClose = false;
  private removeListeners: (() => void) | undefined;

  constructor(options: ServerOptions, callback?: () => void) {
    super();
    const modes = [options.port != null, !!options.server, !!options.noServer].filter(Boolean).length;
    if (modes !== 1)
      throw new TypeError(
        'One and only one of the "port", "server", or "noServer" options must be specified',
      );
    this.options = { clientTracking: true, ...options };
    this.native = createNativeServer(nativeServerOptions(options));
    this.native.on('headers', (lines, req) => this.emit('headers', lines, req));
    this.native.on('error', (err) => this.emit('error', err));
    if (this.options.clientTracking) (this as { clients: Set<WebSocket> }).clients = new Set();
    this.ownsServer = options.port != null;
    if (options.port != null) {
      // As ws: a plain request gets 426; host undefined means every interface.
      this.server = createHttpServer((_req, res) => {
        const body = STATUS_CODES[426] ?? '';
        res.writeHead(426, { 'Content-Length': body.length, 'Content-Type': 'text/plain' });
        res.end(body);
      });
      this.server.listen(options.port, options.host, options.backlog, callback);
    } else if (options.server) this.server = options.server;
    if (this.server) this.listenTo(this.server);
  }

  private listenTo(server: Server | HttpsServer): void {
    const listening = (): boolean => this.emit('listening');
    const error = (err: Error): boolean => this.emit('error', err);
    const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void =>
      this.handleUpgrade(req, socket, head, (ws) => this.emit('connection', ws, req));
    server.on('listening', listening);
    server.on('error', error);
    server.on('upgrade', upgrade);
    this.removeListeners = () => {
      server.off('listening', listening);
      server.off('error', error);
      server.off('upgrade', upgrade);
    };
  }

  address(): AddressInfo | string | null {
    if (this.options.noServer) throw new Error('The server is operating in "noServer" mode');
    return this.server?.address() ?? null;
  }

  /** As ws: `options.path` must equal the request's path (query ignored). Subclasses may override. */
  shouldHandle(req: IncomingMessage): boolean {
    if (!this.options.path) return true;
    const url = req.url ?? '/';
    const index = url.indexOf('?');
    return (index === -1 ? url : url.slice(0, index)) === this.options.path;
  }

  /** Run the handshake for any draft; `cb(ws, req)` gets the open WebSocket (no 'connection' event). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, cb: Done): void {
    if (this.state !== 'running') {
      abortHandshake(socket, 503);
      return;
    }
    if (!this.shouldHandle(req)) {
      abortHandshake(socket, 400);
      return;
    }
    this.native.handleUpgrade(req, socket as never, head, (conn) => {
      // The handshake may have finished after close() began: ws answers those with 503.
      if (this.state !== 'running') {
        conn.terminate();
        return;
      }
      const ws = new WebSocket(null);
      ws[ADOPT](conn);
      this.track(ws);
      cb(ws, req);
    });
  }

  private track(ws: WebSocket): void {
    if (!this.clients) return;
    this.clients.add(ws);
    ws.on('close', () => {
      this.clients.delete(ws);
      if (this.shouldEmitClose && this.clients.size === 0) process.nextTick(() => this.emitClose());
    });
  }

  /**
   * As ws 8: stop accepting; connections already open stay open. 'close' (and `cb`) once the server ws
   * created has closed, or, with an external server or noServer, once every tracked client has closed.
   */
  close(cb?: (err?: Error) => void): void {
    if (this.state === 'closed') {
      if (cb) this.once('close', () => cb(new Error('The server is not running')));
      process.nextTick(() => this.emitClose());
      return;
    }
    if (cb) this.once('close', cb);
    if (this.state === 'closing') return;
    this.state = 'closing';
    this.removeListeners?.();
    const server = this.server;
    this.server = undefined;
    if (this.ownsServer && server) {
      server.close(() => this.emitClose());
      return;
    }
    if (this.clients && this.clients.size > 0) this.shouldEmitClose = true;
    else process.nextTick(() => this.emitClose());
  }

  private emitClose(): void {
    this.state = 'closed';
    this.emit('close');
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the string fallback overload, as @types/ws declares it.
type AnyListener = (this: WebSocketServer, ...args: any[]) => void;
type ConnectionListener = (this: WebSocketServer, socket: WebSocket, request: IncomingMessage) => void;
type HeadersListener = (this: WebSocketServer, headers: string[], request: IncomingMessage) => void;
/** Per-event listener types as @types/ws declares them (with its string fallback, so ws code compiles). */
export interface WebSocketServer {
  on(event: 'connection', cb: ConnectionListener): this;
  on(event: 'error', cb: (this: WebSocketServer, error: Error) => void): this;
  on(event: 'headers', cb: HeadersListener): this;
  on(event: 'close' | 'listening', cb: (this: WebSocketServer) => void): this;
  on(event: string | symbol, listener: AnyListener): this;
  once(event: 'connection', cb: ConnectionListener): this;
  once(event: 'error', cb: (this: WebSocketServer, error: Error) => void): this;
  once(event: 'headers', cb: HeadersListener): this;
  once(event: 'close' | 'listening', cb: (this: WebSocketServer) => void): this;
  once(event: string | symbol, listener: AnyListener): this;
  off(event: 'connection', cb: ConnectionListener): this;
  off(event: string | symbol, listener: AnyListener): this;
  addListener(event: 'connection', cb: (socket: WebSocket, request: IncomingMessage) => void): this;
  addListener(event: string | symbol, listener: AnyListener): this;
}
