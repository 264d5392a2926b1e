// wscompat/ws: a drop-in for `ws` 8 (`import WebSocket, { WebSocketServer } from 'wscompat/ws'`), with every
// WebSocket draft behind the server. Differences from ws are listed in docs/migrating-from-ws.md.
import { WebSocketServer } from './server.js';
import { createWebSocketStream } from './stream.js';
import { WebSocket } from './websocket.js';

export type {
  WebSocketEventMap,
  WsCloseEvent,
  WsErrorEvent,
  WsEvent,
  WsMessageEvent,
} from './event-target.js';
export type {
  BinaryType,
  ClientOptions,
  Data,
  PerMessageDeflateOptions,
  RawData,
  ServerOptions,
  VerifyClientCallbackAsync,
  VerifyClientCallbackSync,
  VerifyClientInfo,
} from './types.js';

// As ws's CommonJS export: the class also carries the others (`WebSocket.Server`, ...), set here since
// the server module itself imports the class.
Object.assign(WebSocket, {
  WebSocket,
  WebSocketServer,
  Server: WebSocketServer,
  createWebSocketStream,
});

export { createWebSocketStream, WebSocket, WebSocketServer, WebSocketServer as Server };
export default WebSocket;
