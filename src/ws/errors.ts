// ws 8's errors: for what a peer did wrong, the class, message and `code` its receiver reports, so code that
// tests `err.code === 'WS_ERR_INVALID_UTF8'` (or `instanceof RangeError`) runs unchanged on wscompat/ws;
// and its wording for sends when not open.
import { type FaultName, ProtocolFault, UsageError } from '../core/faults.js';

/** [class, code, message, and whether ws appends the offending value (opcode, length, status code)]. */
type WsError = readonly [ErrorConstructor | RangeErrorConstructor, string, string, boolean];

const FRAME = 'Invalid WebSocket frame: ';
const TOO_BIG: WsError = [
  RangeError,
  'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
  'Max payload size exceeded',
  false,
];

/** Per fault, what ws's receiver raises for the same violation; faults ws does not detect keep wscompat's. */
const WS_ERRORS: Partial<Record<FaultName, WsError>> = {
  RESERVED_OPCODE: [RangeError, 'WS_ERR_INVALID_OPCODE', `${FRAME}invalid opcode`, true],
  UNEXPECTED_CONTINUATION: [RangeError, 'WS_ERR_INVALID_OPCODE', `${FRAME}invalid opcode 0`, false],
  CONTINUATION_EXPECTED: [RangeError, 'WS_ERR_INVALID_OPCODE', `${FRAME}invalid opcode`, true],
  RESERVED_BITS: [RangeError, 'WS_ERR_UNEXPECTED_RSV_2_3', `${FRAME}RSV2 and RSV3 must be clear`, false],
  UNMASKED_FRAME: [RangeError, 'WS_ERR_EXPECTED_MASK', `${FRAME}MASK must be set`, false],
  MASKED_FRAME: [RangeError, 'WS_ERR_UNEXPECTED_MASK', `${FRAME}MASK must be clear`, false],
  FRAGMENTED_CONTROL_FRAME: [RangeError, 'WS_ERR_EXPECTED_FIN', `${FRAME}FIN must be set`, false],
  CONTROL_FRAME_TOO_BIG: [
    RangeError,
    'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
    `${FRAME}invalid payload length`,
    true,
  ],
  INVALID_CLOSE_PAYLOAD: [
    RangeError,
    'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
    `${FRAME}invalid payload length 1`,
    false,
  ],
  INVALID_CLOSE_CODE: [RangeError, 'WS_ERR_INVALID_CLOSE_CODE', `${FRAME}invalid status code`, true],
  LENGTH_MSB_SET: [
    RangeError,
    'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
    'Unsupported WebSocket frame: payload length > 2^53 - 1',
    false,
  ],
  INVALID_UTF8: [Error, 'WS_ERR_INVALID_UTF8', `${FRAME}invalid UTF-8 sequence`, false],
  TOO_MANY_FRAGMENTS: [RangeError, 'WS_ERR_TOO_MANY_BUFFERED_PARTS', 'Too many message fragments', false],
  MESSAGE_TOO_BIG: TOO_BIG,
  FRAME_TOO_BIG: TOO_BIG,
  LENGTH_OVERFLOW: TOO_BIG,
};

/** RESERVED_BITS when it was RSV1 (the reader's message says which). */
const RSV1: WsError = [RangeError, 'WS_ERR_UNEXPECTED_RSV_1', `${FRAME}RSV1 must be clear`, false];

/**
 * The error ws would emit for a ProtocolFault: ws's class, message and `code`, keeping `fault` and
 * `closeCode` from wscompat. Anything else (and faults ws has no name for) passes through unchanged.
 */
export function wsError(err: Error): Error {
  if (!(err instanceof ProtocolFault)) return err;
  const shape = err.message.startsWith('RSV1') ? RSV1 : WS_ERRORS[err.fault];
  if (shape === undefined) return err;
  const [ErrorClass, code, text, withValue] = shape;
  // The offending value is the first number in wscompat's own message (frame-reader.ts, codec.ts).
  const value = withValue ? /\d+/.exec(err.message)?.[0] : undefined;
  return Object.assign(new ErrorClass(value === undefined ? text : `${text} ${value}`), {
    code,
    fault: err.fault,
    closeCode: err.closeCode,
    cause: err,
  });
}

const STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const;

/** ws's error for a send, ping or pong when not OPEN (thrown while CONNECTING, passed to the callback after). */
export function notOpenError(readyState: number): Error {
  return new Error(`WebSocket is not open: readyState ${readyState} (${STATE_NAMES[readyState]})`);
}

/** `cb`, with ws's not-open error where the Connection reports its own NOT_OPEN (`readyState` at the call). */
export function wsCallback(
  cb: ((err?: Error | null) => void) | undefined,
  readyState: number,
): ((err?: Error | null) => void) | undefined {
  if (cb === undefined) return undefined;
  return (err) => cb(err instanceof UsageError && err.code === 'NOT_OPEN' ? notOpenError(readyState) : err);
}
