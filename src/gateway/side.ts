// One end of a gateway pairing (the client's Connection, a WebSocket upstream, a TCP upstream) behind one shape.
import type { Caps } from '../core/types.js';
import type { CloseSpec } from './policy.js';

/** What a side reports to the bridge that owns it. */
export interface SideEvents {
  message(data: Buffer, isBinary: boolean): void;
  /** The side is finished: code and reason as that side reported them (1005 none, 1006 abrupt). */
  close(code: number, reason: string, wasClean: boolean): void;
  /** Inbound traffic of any kind (messages, pings, pongs): restarts that side's idle timer. */
  activity(): void;
  /**
   * The side's peer sent its close frame (WebSocket sides only). The side holds its reply and keeps
   * accepting sends until `close()` answers it, or its close timeout passes (RFC 6455 §5.5.1, §7.1.2).
   */
  closing(code: number, reason: string): void;
}

export interface Side {
  readonly caps: Caps;
  /** Bytes accepted and not yet handed to the OS. */
  readonly bufferedAmount: number;
  /**
   * A string is a text message, a Buffer binary. `done` runs once: `written` true when these bytes
   * reached the OS, false when nothing was written (closed, or a draft that cannot carry the message).
   */
  send(data: string | Buffer, done: (written: boolean) => void): void;
  /** Start an orderly close, or answer the peer's; the side still reports `close` when it is done. */
  close(spec: CloseSpec): void;
  /** Drop the transport now. */
  terminate(): void;
  /** Stop and restart reading from the peer (backpressure). */
  pause(): void;
  resume(): void;
  bind(events: SideEvents): void;
}

/** A TCP byte stream has no messages, pings or close codes; it carries binary (websockify mode). */
export const TCP_CAPS: Caps = {
  binary: true,
  ping: false,
  closeCodes: false,
  closingHandshake: false,
  fragmentation: false,
  extensions: false,
  compression: false,
};
