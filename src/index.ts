// The public API of wscompat: everything a user may import. test/exports.test.ts pins this list.

export type {
  CloseEventLike,
  ConnectionEvents,
  ErrorEventLike,
  MessageEventLike,
  OpenEventLike,
  ReadyState,
  SendCallback,
  SendData,
} from './connection/index.js';
export { Connection } from './connection/index.js';
export type { FaultName } from './core/faults.js';
export { FAULT_CLOSE_CODES, ProtocolFault, UsageError } from './core/faults.js';
export { parseRequestHead, parseResponseHead } from './core/http-head.js';
export type {
  AcceptResult,
  Caps,
  ClientRequest,
  Codec,
  CodecEvent,
  CodecOptions,
  Draft,
  DraftId,
  HeaderLine,
  OutboundMessage,
  Rejection,
  RequestHead,
  ResponseHead,
  Rng,
  Role,
} from './core/types.js';
export { ALL_DRAFTS } from './core/types.js';
export { DRAFTS, getDraft, isDraftId } from './drafts.js';
export type {
  BinaryToLegacy,
  GatewayOptions,
  LogRecord as GatewayLogRecord,
  RewriteRule,
} from './gateway/index.js';
export { createGateway, Gateway } from './gateway/index.js';
export type {
  ClientOptions,
  ConnectionListener,
  ServerOptions,
  VerifyClientInfo,
  VerifyClientResult,
  WsServerEvents,
} from './node/index.js';
export { connect, createServer, HandshakeError, WsServer } from './node/index.js';
export { negotiate } from './sniff/negotiate.js';
export type { SniffResult } from './sniff/sniff.js';
export { sniff } from './sniff/sniff.js';
export type { CloseEventInit } from './web/events.js';
export { CloseEvent } from './web/events.js';
export type { BinaryType as WebSocketBinaryType, WebSocketInit, WebSocketOptions } from './web/websocket.js';
export { WebSocket } from './web/websocket.js';
