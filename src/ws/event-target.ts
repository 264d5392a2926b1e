// ws 8's browser-style surface (lib/event-target.js): onopen/onmessage/onclose/onerror and
// addEventListener/removeEventListener over the Node events, with ws's event objects.
import { EventEmitter } from 'node:events';
import type { Data } from './types.js';

export interface WsEvent {
  type: string;
  target: WsEventTarget;
}
export interface WsMessageEvent extends WsEvent {
  data: Data;
}
export interface WsCloseEvent extends WsEvent {
  wasClean: boolean;
  code: number;
  reason: string;
}
export interface WsErrorEvent extends WsEvent {
  // biome-ignore lint/suspicious/noExplicitAny: as @types/ws.
  error: any;
  message: string;
}
export interface WebSocketEventMap {
  open: WsEvent;
  error: WsErrorEvent;
  close: WsCloseEvent;
  message: WsMessageEvent;
}
type Type = keyof WebSocketEventMap;
type Handler<K extends Type> =
  | ((event: WebSocketEventMap[K]) => void)
  | { handleEvent(event: WebSocketEventMap[K]): void };
// biome-ignore lint/suspicious/noExplicitAny: EventEmitter listeners take any arguments.
type NodeListener = (...args: any[]) => void;

/** Marks the wrappers this file made, so removeEventListener and the on* getters find them. */
const USER = Symbol('wscompat.ws.userListener');
const IS_HANDLER_PROP = Symbol('wscompat.ws.handlerProperty');
type Wrapped = NodeListener & { [USER]?: unknown; [IS_HANDLER_PROP]?: boolean };

function call<K extends Type>(handler: Handler<K>, target: WsEventTarget, event: WebSocketEventMap[K]): void {
  if (typeof handler === 'function') handler.call(target, event);
  else handler.handleEvent.call(handler, event);
}

/** The Node listener that turns one event's arguments into ws's event object. */
function wrap<K extends Type>(target: WsEventTarget, type: K, handler: Handler<K>): Wrapped {
  const h = handler as Handler<Type>;
  switch (type) {
    case 'open':
      return () => call(h, target, { type, target });
    case 'message':
      return ((data: Data, isBinary: boolean) =>
        call(h, target, {
          type,
          target,
          data: isBinary || !Buffer.isBuffer(data) ? data : data.toString(),
        } as WsMessageEvent)) as Wrapped;
    case 'close':
      return ((code: number, reason: Buffer) =>
        call(h, target, {
          type,
          target,
          code,
          reason: reason.toString(),
          wasClean: target.closedCleanly(),
        } as WsCloseEvent)) as Wrapped;
    default:
      return ((error: Error) =>
        call(h, target, { type, target, error, message: error.message } as WsErrorEvent)) as Wrapped;
  }
}

export abstract class WsEventTarget extends EventEmitter {
  /** Whether the closing handshake completed (CloseEvent.wasClean). */
  abstract closedCleanly(): boolean;

  get onopen(): ((event: WsEvent) => void) | null {
    return this.handlerProperty('open');
  }
  set onopen(fn: ((event: WsEvent) => void) | null) {
    this.setHandlerProperty('open', fn);
  }
  get onmessage(): ((event: WsMessageEvent) => void) | null {
    return this.handlerProperty('message');
  }
  set onmessage(fn: ((event: WsMessageEvent) => void) | null) {
    this.setHandlerProperty('message', fn);
  }
  get onclose(): ((event: WsCloseEvent) => void) | null {
    return this.handlerProperty('close');
  }
  set onclose(fn: ((event: WsCloseEvent) => void) | null) {
    this.setHandlerProperty('close', fn);
  }
  get onerror(): ((event: WsErrorEvent) => void) | null {
    return this.handlerProperty('error');
  }
  set onerror(fn: ((event: WsErrorEvent) => void) | null) {
    this.setHandlerProperty('error', fn);
  }

  /** As ws: the same handler is added once per type; `{ once: true }` removes it after one event. */
  addEventListener<K extends Type>(type: K, handler: Handler<K>, options: { once?: boolean } = {}): void {
    if (!['open', 'message', 'close', 'error'].includes(type)) return;
    for (const l of this.listeners(type) as Wrapped[]) if (l[USER] === handler && !l[IS_HANDLER_PROP]) return;
    const wrapped = wrap(this, type, handler);
    wrapped[USER] = handler;
    if (options.once) this.once(type, wrapped);
    else this.on(type, wrapped);
  }

  removeEventListener<K extends Type>(type: K, handler: Handler<K>): void {
    for (const l of this.listeners(type) as Wrapped[])
      if (l[USER] === handler && !l[IS_HANDLER_PROP]) {
        this.removeListener(type, l);
        return;
      }
  }

  private handlerProperty<K extends Type>(type: K): ((event: WebSocketEventMap[K]) => void) | null {
    for (const l of this.rawListeners(type) as Wrapped[])
      if (l[IS_HANDLER_PROP]) return l[USER] as (event: WebSocketEventMap[K]) => void;
    return null;
  }

  private setHandlerProperty<K extends Type>(
    type: K,
    fn: ((event: WebSocketEventMap[K]) => void) | null,
  ): void {
    for (const l of this.rawListeners(type) as Wrapped[])
      if (l[IS_HANDLER_PROP]) {
        this.removeListener(type, l);
        break;
      }
    if (typeof fn !== 'function') return;
    const wrapped = wrap(this, type, fn);
    wrapped[USER] = fn;
    wrapped[IS_HANDLER_PROP] = true;
    this.on(type, wrapped);
  }
}
