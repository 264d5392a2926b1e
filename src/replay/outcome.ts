// What one side under test did during an in-process or live replay, in comparable form.
import type { CodecEvent } from '../core/types.js';
import type { ExpectedEvent } from './fixture.js';

export interface Outcome {
  /** Every byte the side under test wrote, in order. */
  readonly output: Buffer;
  /** HTTP status: of our answer (role server) or of the answer we were given (role client). */
  readonly status: number | undefined;
  readonly events: ExpectedEvent[];
}

/** Codec events in fixture form; `send` is output, not an event. */
export function toExpected(e: CodecEvent): ExpectedEvent | undefined {
  switch (e.type) {
    case 'text':
    case 'binary':
    case 'ping':
    case 'pong':
      return { type: e.type, data: Buffer.from(e.data) };
    case 'close':
      return { type: 'close', code: e.code, reason: e.reason };
    case 'fail':
      return { type: 'fail', fault: e.fault, closeCode: e.closeCode };
    case 'send':
      return undefined;
  }
}

/** Role client: our client refused the server's answer (reported like Connection: error, then 1006). */
export const HANDSHAKE_REFUSED = { type: 'fail', fault: 'HANDSHAKE_REFUSED', closeCode: 1006 } as const;
