// The WHATWG WebSocket interface (HTML Living Standard "Web sockets"; Node's built-in WebSocket has the
// same shape) over a wscompat Connection, so `options.draft` can speak a legacy draft. Events are fired as
// tasks (setImmediate, in order), and readyState changes when they fire, as the standard says.
import type { Connection } from '../connection/connection.js';
import { connect } from '../node/client.js';
import type { ClientOptions } from '../node/client-options.js';
import { checkCloseArgs, checkProtocols, parseWebSocketUrl } from './arguments.js';
import { CloseEvent } from './events.js';

export type BinaryType = 'blob' | 'arraybuffer';
/** `connect()`'s options (draft, origin, headers, TLS, limits), the subprotocols excepted. */
export type WebSocketOptions = Omit<ClientOptions, 'protocols' | 'rng'>;
/** Node's WebSocketInit form of the second argument. */
export interface WebSocketInit {
  protocols?: string | string[];
}
type Handler = ((this: WebSocket, event: Event) => unknown) | null;
type HandlerType = 'open' | 'message' | 'error' | 'close';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

export class WebSocket extends EventTarget {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSING: 2;
  declare readonly CLOSED: 3;

  readonly url: string;
  private state: 0 | 1 | 2 | 3 = CONNECTING;
  private type: BinaryType = 'blob';
  private negotiated = { protocol: '', extensions: '' };
  private readonly conn: Connection;
  private readonly origin: string;
  /** Bytes send() accepted after the connection started closing: counted, never sent (the standard). */
  private discarded = 0;
  /** Sends waiting behind a Blob being read, so messages leave in send() order. */
  private readonly outbox: (string | Uint8Array | Blob)[] = [];
  private outboxBytes = 0;
  private readonly handlers = new Map<HandlerType, { handler: Handler; listener: (event: Event) => void }>();

  constructor(
    url: string | URL,
    protocols?: string | string[] | WebSocketInit,
    options: WebSocketOptions = {},
  ) {
    super();
    const target = parseWebSocketUrl(url);
    const list = checkProtocols(
      typeof protocols === 'object' && protocols !== null && !Array.isArray(protocols)
        ? (protocols as WebSocketInit).protocols
        : (protocols as string | string[] | undefined),
    );
    this.url = target.href;
    this.origin = target.origin;
    try {
      this.conn = connect(target, { ...options, protocols: list });
    } catch (err) {
      // A legacy draft may refuse what RFC 6455 allows (e.g. several subprotocols on hixie).
      if (err instanceof TypeError) throw err;
      throw new DOMException(err instanceof Error ? err.message : String(err), 'SyntaxError');
    }
    this.listen(this.conn);
  }

  private listen(conn: Connection): void {
    conn.on('open', () =>
      this.task(() => {
        this.state = OPEN;
        this.negotiated = { protocol: conn.protocol, extensions: conn.extensions };
        this.dispatchEvent(new Event('open'));
      }),
    );
    conn.on('message', (data, isBinary) =>
      this.task(() => {
        // Messages that arrive after close() was called are not delivered (readyState is CLOSING).
        if (this.state !== OPEN) return;
        const payload = !isBinary
          ? data.toString('utf8')
          : this.type === 'blob'
            ? new Blob([data])
            : copy(data);
        this.dispatchEvent(new MessageEvent('message', { data: payload, origin: this.origin }));
      }),
    );
    // "Fail the WebSocket connection": a simple error event, then the close event with 1006.
    conn.on('error', () => this.task(() => this.dispatchEvent(new Event('error'))));
    conn.on('close', (code, reason, wasClean) =>
      this.task(() => {
        this.state = CLOSED;
        this.dispatchEvent(new CloseEvent('close', { wasClean, code, reason }));
      }),
    );
  }

  private task(fn: () => void): void {
    setImmediate(fn);
  }

  get readyState(): 0 | 1 | 2 | 3 {
    return this.state;
  }
  get protocol(): string {
    return this.negotiated.protocol;
  }
  get extensions(): string {
    return this.negotiated.extensions;
  }
  /** Bytes of application data queued by send() and not yet handed to the network. */
  get bufferedAmount(): number {
    return this.conn.bufferedAmount + this.outboxBytes + this.discarded;
  }
  get binaryType(): BinaryType {
    return this.type;
  }
  /** WebIDL enum attribute: another value is ignored. */
  set binaryType(value: BinaryType) {
    if (value === 'blob' || value === 'arraybuffer') this.type = value;
  }

  /** Throws InvalidStateError while CONNECTING; past OPEN the data only counts in bufferedAmount. */
  send(data: string | Blob | ArrayBuffer | ArrayBufferView): void {
    if (this.state === CONNECTING)
      throw new DOMException('WebSocket is still CONNECTING', 'InvalidStateError');
    const item = toSendable(data);
    const size =
      typeof item === 'string' ? Buffer.byteLength(item) : item instanceof Blob ? item.size : item.length;
    if (this.state !== OPEN) {
      this.discarded += size;
      return;
    }
    this.outbox.push(item);
    this.outboxBytes += size;
    if (this.outbox.length === 1) this.flush();
  }

  /** Sends the outbox in order; a Blob holds what follows until its bytes are read. */
  private flush(): void {
    while (this.outbox.length > 0) {
      const item = this.outbox[0] as string | Uint8Array | Blob;
      if (item instanceof Blob) {
        item.arrayBuffer().then(
          (bytes) => {
            this.outbox[0] = new Uint8Array(bytes);
            this.flush();
          },
          () => this.conn.terminate(),
        );
        return;
      }
      this.outbox.shift();
      this.outboxBytes -= typeof item === 'string' ? Buffer.byteLength(item) : item.length;
      if (this.conn.readyState === OPEN) this.conn.send(item);
    }
  }

  close(code?: number, reason?: string): void {
    const args = checkCloseArgs(code, reason);
    if (this.state === CLOSING || this.state === CLOSED) return;
    this.state = CLOSING;
    // While CONNECTING this fails the connection (error, then close 1006); else the closing handshake.
    this.conn.close(args.code, args.reason === '' ? undefined : args.reason);
  }

  get onopen(): Handler {
    return this.handler('open');
  }
  set onopen(fn: Handler) {
    this.setHandler('open', fn);
  }
  get onmessage(): Handler {
    return this.handler('message');
  }
  set onmessage(fn: Handler) {
    this.setHandler('message', fn);
  }
  get onerror(): Handler {
    return this.handler('error');
  }
  set onerror(fn: Handler) {
    this.setHandler('error', fn);
  }
  get onclose(): Handler {
    return this.handler('close');
  }
  set onclose(fn: Handler) {
    this.setHandler('close', fn);
  }

  private handler(type: HandlerType): Handler {
    return this.handlers.get(type)?.handler ?? null;
  }

  /** HTML event handler attributes: the listener keeps its place among listeners until set to null. */
  private setHandler(type: HandlerType, fn: Handler): void {
    const existing = this.handlers.get(type);
    if (typeof fn !== 'function') {
      if (existing) this.removeEventListener(type, existing.listener);
      this.handlers.delete(type);
      return;
    }
    if (existing) {
      existing.handler = fn;
      return;
    }
    const entry = { handler: fn as Handler, listener: (event: Event) => entry.handler?.call(this, event) };
    this.handlers.set(type, entry);
    this.addEventListener(type, entry.listener);
  }
}

for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED }))
  Object.defineProperty(WebSocket.prototype, name, { value, enumerable: true });

function copy(data: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(data.length);
  new Uint8Array(out).set(data);
  return out;
}

function toSendable(data: string | Blob | ArrayBuffer | ArrayBufferView): string | Uint8Array | Blob {
  if (typeof data === 'string' || data instanceof Blob) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  // WebIDL: anything else is converted to a string (USVString).
  return String(data);
}
