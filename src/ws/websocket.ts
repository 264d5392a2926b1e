// ws 8's WebSocket class over a wscompat Connection: the client (any ws: / wss: / http: / https: URL, via
// ./client.ts) and the server side handed out by WebSocketServer. Sending, closing and their policies
// (hixie binary, ping on hixie, send after close) are the Connection's; this layer only adapts the API.
import type { ClientRequestArgs, IncomingMessage, ClientRequest as NodeClientRequest } from 'node:http';
import type { Connection, SendCallback } from '../connection/connection.js';
import { defineReadyStates } from '../connection/ready-state.js';
import { ProtocolFault } from '../core/faults.js';
import type { Caps, DraftId } from '../core/types.js';
import { openClient } from './client.js';
import { notOpenError, wsCallback, wsError } from './errors.js';
import { WsEventTarget } from './event-target.js';
import type { AnyClientOptions, BinaryType, ClientOptions, RawData, SendableData } from './types.js';

/** ws 8.17+ also takes 'blob' where Blob exists (its types, like @types/ws's, leave it out). */
const BINARY_TYPES: readonly string[] =
  typeof Blob === 'undefined'
    ? ['nodebuffer', 'arraybuffer', 'fragments']
    : ['nodebuffer', 'arraybuffer', 'fragments', 'blob'];

/** The binary types that take a message as its pieces (Connection.receiveParts): no joined copy first. */
const takesPieces = (type: string): boolean => type === 'fragments' || type === 'blob';
/** A message sent in fragments (`fin: false`) is collected here until its last part, up to this size. */
const MAX_FRAGMENTED_BYTES = 100 * 1024 * 1024;
/** How the server hands a WebSocket its open connection, off the public surface. */
export const ADOPT = Symbol('wscompat.ws.adopt');

type Callback = (err?: Error) => void;
type SendOptions = { mask?: boolean; binary?: boolean; compress?: boolean; fin?: boolean };

function bytesOf(data: SendableData): string | Buffer {
  if (typeof data === 'number') return String(data);
  if (typeof data === 'string' || Buffer.isBuffer(data)) return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data as ArrayBuffer);
}

/**
 * ws's RawData for one binary message, given as the pieces it arrived in, under `binaryType` (text messages
 * are always one Buffer in ws 8). 'blob' is a runtime value only: ws's own types, which these follow, leave
 * it out, hence the cast.
 */
function binaryData(parts: Buffer[], binaryType: string): RawData {
  if (binaryType === 'fragments') return parts;
  if (binaryType === 'blob') return new Blob(parts) as unknown as RawData;
  const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  if (binaryType === 'arraybuffer')
    return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
      ? (data.buffer as ArrayBuffer)
      : (data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
  return data;
}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged interface only narrows EventEmitter methods.
export class WebSocket extends WsEventTarget {
  static readonly CONNECTING = 0 as const;
  static readonly OPEN = 1 as const;
  static readonly CLOSING = 2 as const;
  static readonly CLOSED = 3 as const;
  // Set by ./index.ts, as ws's CommonJS export carries them (`require('ws').Server`).
  declare static readonly WebSocket: typeof WebSocket;
  declare static readonly WebSocketServer: typeof import('./server.js').WebSocketServer;
  declare static readonly Server: typeof import('./server.js').WebSocketServer;
  declare static readonly createWebSocketStream: typeof import('./stream.js').createWebSocketStream;
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSING: 2;
  declare readonly CLOSED: 3;

  private conn: Connection | undefined;
  private type: BinaryType = 'nodebuffer';
  private address: string;
  private wasClean = false;
  /** close() or terminate() during the handshake: CLOSING until the deferred 'close' is emitted. */
  private aborting = false;
  /** The peer broke the protocol: ws reports the close as 1006 then (see attach). */
  private peerFaulted = false;
  private fragments: { parts: Buffer[]; bytes: number; binary: boolean } | undefined;

  constructor(address: null);
  constructor(address: string | URL, options?: AnyClientOptions);
  constructor(address: string | URL, protocols?: string | string[], options?: AnyClientOptions);
  constructor(
    address: string | URL | null,
    protocols?: string | string[] | AnyClientOptions,
    options?: AnyClientOptions,
  ) {
    super();
    this.address = '';
    if (address === null) return;
    let list: string[];
    if (protocols === undefined) list = [];
    else if (Array.isArray(protocols)) list = protocols;
    else if (typeof protocols === 'object' && protocols !== null) {
      options = protocols;
      list = [];
    } else list = [protocols];
    const { conn, url } = openClient(
      this,
      address,
      list,
      (options ?? {}) as ClientOptions & ClientRequestArgs,
    );
    this.address = url;
    this.attach(conn);
  }

  /** Server side: the open connection a handshake produced. */
  [ADOPT](conn: Connection): void {
    this.address = conn.url;
    this.attach(conn);
  }

  /** Client side, after a redirect: the URL now being connected to. */
  setUrl(url: string): void {
    this.address = url;
  }

  private attach(conn: Connection): void {
    this.conn = conn;
    conn.on('open', () => this.emit('open'));
    conn.on('message', (data, isBinary) =>
      this.emit('message', isBinary ? binaryData([data], this.type) : data, isBinary),
    );
    // 'fragments' and 'blob': binary messages as the pieces they arrived in, never joined into one Buffer.
    conn.receiveParts = takesPieces(this.type);
    conn.on('messageParts', (parts) => this.emit('message', binaryData(parts, this.type), true));
    conn.on('ping', (data) => this.emit('ping', data));
    conn.on('pong', (data) => this.emit('pong', data));
    // The Connection reports errors only to listeners: a bad peer does not crash a process without one.
    conn.on('error', (err) => {
      // ws stops reading once the peer broke the protocol, so it never sees the peer's close: 1006.
      if (err instanceof ProtocolFault) this.peerFaulted = true;
      // ws reports a stream that ends inside a frame only by its close (1006), not as an error.
      if (err instanceof ProtocolFault && err.fault === 'TRUNCATED_FRAME') return;
      this.afterAbort(() => {
        if (this.listenerCount('error') > 0) this.emit('error', wsError(err));
      });
    });
    conn.on('close', (code, reason, wasClean) =>
      this.afterAbort(() => {
        this.aborting = false;
        this.wasClean = wasClean;
        if (this.peerFaulted) this.emit('close', 1006, Buffer.alloc(0));
        else this.emit('close', code, Buffer.from(reason));
      }),
    );
  }

  /** As ws: a handshake aborted by close()/terminate() reports 'error' and 'close' on the next tick. */
  private afterAbort(report: () => void): void {
    if (this.aborting) process.nextTick(report);
    else report();
  }

  closedCleanly(): boolean {
    return this.wasClean;
  }

  get binaryType(): BinaryType {
    return this.type;
  }
  /** As ws: an unknown value is ignored. */
  set binaryType(type: BinaryType) {
    if (!BINARY_TYPES.includes(type)) return;
    this.type = type;
    if (this.conn) this.conn.receiveParts = takesPieces(type);
  }

  get readyState(): 0 | 1 | 2 | 3 {
    if (this.aborting) return 2;
    return this.conn?.readyState ?? 0;
  }
  get url(): string {
    return this.address;
  }
  get protocol(): string {
    return this.conn?.protocol ?? '';
  }
  /** The negotiated extension names, comma-separated, as ws reports them. */
  get extensions(): string {
    const header = this.conn?.extensions ?? '';
    return header
      .split(',')
      .map((offer) => offer.split(';')[0]?.trim() ?? '')
      .filter((name) => name !== '')
      .join();
  }
  get bufferedAmount(): number {
    return this.conn?.bufferedAmount ?? 0;
  }
  /** wscompat only: the negotiated draft (a WebSocketServer accepts legacy ones). */
  get draft(): DraftId | undefined {
    return this.conn?.draft;
  }
  /** wscompat only: what the draft can do (`caps.ping`, `caps.binary`, ...), e.g. for a heartbeat. */
  get caps(): Caps | undefined {
    return this.conn?.caps;
  }
  get isPaused(): boolean {
    return this.conn?.isPaused ?? false;
  }

  send(data: SendableData, cb?: Callback): void;
  send(data: SendableData, options: SendOptions, cb?: Callback): void;
  send(data: SendableData, options?: SendOptions | Callback, cb?: Callback): void {
    if (typeof options === 'function') {
      cb = options;
      options = {};
    }
    let bytes = bytesOf(data);
    let binary = options?.binary ?? typeof bytes !== 'string';
    if (options?.fin === false || this.fragments) {
      const whole = this.collect(bytes, binary, options?.fin !== false);
      if (!whole) {
        if (cb) queueMicrotask(() => cb());
        return;
      }
      ({ bytes, binary } = whole);
    }
    // The Connection calls back with null on success where ws passes undefined: both are falsy.
    this.connection().send(bytes, { binary }, wsCallback(cb as SendCallback | undefined, this.readyState));
  }

  /** ws's `fin: false`: the parts of one message are sent as one message once the last part comes. */
  private collect(bytes: string | Buffer, binary: boolean, last: boolean) {
    const part = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    const f = this.fragments ?? { parts: [], bytes: 0, binary };
    if (f.bytes + part.length > MAX_FRAGMENTED_BYTES)
      throw new RangeError(`a fragmented message may hold at most ${MAX_FRAGMENTED_BYTES} bytes`);
    f.parts.push(part);
    f.bytes += part.length;
    this.fragments = last ? undefined : f;
    return last ? { bytes: Buffer.concat(f.parts), binary: f.binary } : undefined;
  }

  // biome-ignore lint/suspicious/noExplicitAny: as ws, any payload Buffer.from takes.
  ping(data?: any, mask?: boolean | Callback, cb?: Callback): void {
    this.control('ping', data, mask, cb);
  }
  // biome-ignore lint/suspicious/noExplicitAny: as ws, any payload Buffer.from takes.
  pong(data?: any, mask?: boolean | Callback, cb?: Callback): void {
    this.control('pong', data, mask, cb);
  }

  private control(type: 'ping' | 'pong', data: unknown, mask: unknown, cb: Callback | undefined): void {
    if (typeof data === 'function') {
      cb = data as Callback;
      data = undefined;
    } else if (typeof mask === 'function') cb = mask as Callback;
    const payload = data === undefined ? undefined : bytesOf(data as SendableData);
    this.connection()[type](payload, wsCallback(cb as SendCallback | undefined, this.readyState));
  }

  close(code?: number, data?: string | Buffer): void {
    const reason = Buffer.isBuffer(data) ? data.toString() : data;
    this.abortIfConnecting(() => this.conn?.close(code, reason));
  }
  terminate(): void {
    this.abortIfConnecting(() => this.conn?.terminate());
  }

  private abortIfConnecting(stop: () => void): void {
    if (this.conn?.readyState === 0) this.aborting = true;
    try {
      stop();
    } catch (err) {
      this.aborting = false;
      throw err;
    }
  }
  pause(): void {
    this.conn?.pause();
  }
  resume(): void {
    this.conn?.resume();
  }

  private connection(): Connection {
    // ws throws while CONNECTING (send and ping alike); later it calls back with the error instead.
    if (!this.conn || this.conn.readyState === 0) throw notOpenError(0);
    return this.conn;
  }
}

defineReadyStates(WebSocket.prototype);

// biome-ignore lint/suspicious/noExplicitAny: the string fallback overload, as @types/ws declares it.
type AnyListener = (this: WebSocket, ...args: any[]) => void;
/** Per-event listener types as @types/ws declares them (with its string fallback, so ws code compiles). */
export interface WebSocket {
  on(event: 'close', listener: (this: WebSocket, code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (this: WebSocket, error: Error) => void): this;
  on(event: 'upgrade', listener: (this: WebSocket, request: IncomingMessage) => void): this;
  on(event: 'message', listener: (this: WebSocket, data: RawData, isBinary: boolean) => void): this;
  on(event: 'open', listener: (this: WebSocket) => void): this;
  on(event: 'ping' | 'pong', listener: (this: WebSocket, data: Buffer) => void): this;
  on(event: 'redirect', listener: (this: WebSocket, url: string, request: NodeClientRequest) => void): this;
  on(
    event: 'unexpected-response',
    listener: (this: WebSocket, request: NodeClientRequest, response: IncomingMessage) => void,
  ): this;
  on(event: string | symbol, listener: AnyListener): this;
  once(event: 'close', listener: (this: WebSocket, code: number, reason: Buffer) => void): this;
  once(event: 'error', listener: (this: WebSocket, error: Error) => void): this;
  once(event: 'upgrade', listener: (this: WebSocket, request: IncomingMessage) => void): this;
  once(event: 'message', listener: (this: WebSocket, data: RawData, isBinary: boolean) => void): this;
  once(event: 'open', listener: (this: WebSocket) => void): this;
  once(event: 'ping' | 'pong', listener: (this: WebSocket, data: Buffer) => void): this;
  once(event: 'redirect', listener: (this: WebSocket, url: string, request: NodeClientRequest) => void): this;
  once(
    event: 'unexpected-response',
    listener: (this: WebSocket, request: NodeClientRequest, response: IncomingMessage) => void,
  ): this;
  once(event: string | symbol, listener: AnyListener): this;
  off(event: 'close', listener: (this: WebSocket, code: number, reason: Buffer) => void): this;
  off(event: 'message', listener: (this: WebSocket, data: RawData, isBinary: boolean) => void): this;
  off(event: string | symbol, listener: AnyListener): this;
  addListener(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  addListener(event: 'message', listener: (data: RawData, isBinary: boolean) => void): this;
  addListener(event: string | symbol, listener: AnyListener): this;
}
