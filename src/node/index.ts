// The Node layer's public pieces: server, client and their option types.

export { connect, HandshakeError } from './client.js';
export type { ClientOptions } from './client-options.js';
export type { ConnectionListener, WsServerEvents } from './server.js';
export { createServer, WsServer } from './server.js';
export type { ServerOptions, VerifyClientInfo, VerifyClientResult } from './server-options.js';
