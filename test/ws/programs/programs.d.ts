// Types of the ws programs (plain JavaScript, as the ws README writes them) for the test that imports them.
declare module '*.mjs' {
  import type { Server } from 'node:http';
  import type { WebSocketServer } from 'wscompat/ws';
  export const server: Server;
  export const wss: WebSocketServer;
  export const wss1: WebSocketServer;
  export const wss2: WebSocketServer;
}
