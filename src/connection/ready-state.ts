// readyState values (WHATWG WebSockets "ready state"; ws 8 uses the same numbers) and the NOT_OPEN error.
import { UsageError } from '../core/faults.js';

export type ReadyState = 0 | 1 | 2 | 3;

export const CONNECTING = 0;
export const OPEN_STATE = 1;
export const CLOSING = 2;
export const CLOSED = 3;

export function notOpenError(state: ReadyState): UsageError {
  return new UsageError('NOT_OPEN', `the connection is not open (readyState ${state})`);
}

/** `conn.OPEN` and friends live on the prototype, not copied into every instance (idle memory). */
export function defineReadyStates(proto: object): void {
  for (const [name, value] of [
    ['CONNECTING', CONNECTING],
    ['OPEN', OPEN_STATE],
    ['CLOSING', CLOSING],
    ['CLOSED', CLOSED],
  ] as const)
    Object.defineProperty(proto, name, { value, enumerable: true });
}
