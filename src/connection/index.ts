// The connection layer's public pieces: the Connection class and the Transport contract.
export type { CloseEventLike, ErrorEventLike, MessageEventLike, OpenEventLike } from './browser-events.js';
export type {
  ConnectionEvents,
  ConnectionInit,
  OpenSetup,
  ReadyState,
  SendCallback,
  SendData,
} from './connection.js';
export { Connection } from './connection.js';
export type { Transport, TransportSink } from './transport.js';
