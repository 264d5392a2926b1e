// Browser-style handlers (onopen, onmessage, onclose, onerror, addEventListener) over Node events,
// after the WHATWG WebSockets interface, so page code ports with few changes.
import { EventEmitter } from 'node:events';

export interface MessageEventLike {
  readonly type: 'message';
  /** Text messages arrive as strings, binary ones as Buffers, as with `binaryType = 'nodebuffer'`. */
  readonly data: string | Buffer;
  readonly target: BrowserStyleEmitter;
}
export interface CloseEventLike {
  readonly type: 'close';
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  readonly target: BrowserStyleEmitter;
}
export interface OpenEventLike {
  readonly type: 'open';
  readonly target: BrowserStyleEmitter;
}
export interface ErrorEventLike {
  readonly type: 'error';
  readonly error: unknown;
  readonly message: string;
  readonly target: BrowserStyleEmitter;
}

interface EventMap {
  open: OpenEventLike;
  message: MessageEventLike;
  close: CloseEventLike;
  error: ErrorEventLike;
}
export type BrowserEventType = keyof EventMap;
type Listener<K extends BrowserEventType> = (event: EventMap[K]) => void;
// biome-ignore lint/suspicious/noExplicitAny: EventEmitter listeners take any arguments.
type NodeListener = (...args: any[]) => void;

const TYPES: readonly BrowserEventType[] = ['open', 'message', 'close', 'error'];

/** Adapts the Node event arguments of each type to a browser-style event object. */
function wrap<K extends BrowserEventType>(
  target: BrowserStyleEmitter,
  type: K,
  listener: Listener<K>,
): NodeListener {
  const call = listener as (event: unknown) => void;
  switch (type) {
    case 'open':
      return () => call({ type, target });
    case 'message':
      return (data: Buffer, isBinary: boolean) =>
        call({ type, data: isBinary ? data : data.toString('utf8'), target });
    case 'close':
      return (code: number, reason: string, wasClean: boolean) =>
        call({ type, code, reason, wasClean, target });
    default:
      return (error: unknown) =>
        call({ type, error, message: error instanceof Error ? error.message : String(error), target });
  }
}

/** An EventEmitter that also offers the four browser handler properties and add/removeEventListener. */
export class BrowserStyleEmitter extends EventEmitter {
  // Made on first use: most connections never use the browser-style API, and a Map per idle connection adds up.
  private handlerProps: Map<BrowserEventType, { user: unknown; wrapped: NodeListener }> | undefined;
  private added: Map<BrowserEventType, Map<unknown, NodeListener>> | undefined;

  get onopen(): Listener<'open'> | null {
    return this.getHandler('open');
  }
  set onopen(fn: Listener<'open'> | null) {
    this.setHandler('open', fn);
  }
  get onmessage(): Listener<'message'> | null {
    return this.getHandler('message');
  }
  set onmessage(fn: Listener<'message'> | null) {
    this.setHandler('message', fn);
  }
  get onclose(): Listener<'close'> | null {
    return this.getHandler('close');
  }
  set onclose(fn: Listener<'close'> | null) {
    this.setHandler('close', fn);
  }
  get onerror(): Listener<'error'> | null {
    return this.getHandler('error');
  }
  set onerror(fn: Listener<'error'> | null) {
    this.setHandler('error', fn);
  }

  /** Adds a listener once per (type, listener) pair, as EventTarget does. */
  addEventListener<K extends BrowserEventType>(type: K, listener: Listener<K>): void {
    if (!TYPES.includes(type) || typeof listener !== 'function') return;
    this.added ??= new Map();
    let byUser = this.added.get(type);
    if (!byUser) {
      byUser = new Map();
      this.added.set(type, byUser);
    }
    if (byUser.has(listener)) return;
    const wrapped = wrap(this, type, listener);
    byUser.set(listener, wrapped);
    this.on(type, wrapped);
  }

  removeEventListener<K extends BrowserEventType>(type: K, listener: Listener<K>): void {
    const wrapped = this.added?.get(type)?.get(listener);
    if (!wrapped) return;
    this.added?.get(type)?.delete(listener);
    this.off(type, wrapped);
  }

  private getHandler<K extends BrowserEventType>(type: K): Listener<K> | null {
    return (this.handlerProps?.get(type)?.user as Listener<K> | undefined) ?? null;
  }

  private setHandler<K extends BrowserEventType>(type: K, fn: Listener<K> | null): void {
    const old = this.handlerProps?.get(type);
    if (old) this.off(type, old.wrapped);
    this.handlerProps?.delete(type);
    if (typeof fn !== 'function') return;
    const wrapped = wrap(this, type, fn);
    this.handlerProps ??= new Map();
    this.handlerProps.set(type, { user: fn, wrapped });
    this.on(type, wrapped);
  }
}
