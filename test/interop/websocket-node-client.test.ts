// Interop: the npm `websocket` (WebSocket-Node) client with webSocketVersion 8 and 13 against our server.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import websocket from 'websocket';
import type { DraftId } from '../../src/core/types.js';
import type { WsServer } from '../../src/node/server.js';
import { closeServer, once, startEchoServer } from '../node/helpers.js';

let server: WsServer;
let port: number;
const seen: { draft: DraftId; origin: string | undefined }[] = [];

beforeAll(async () => {
  ({ server, port } = await startEchoServer({
    verifyClient: (info) => {
      seen.push({ draft: info.draft, origin: info.origin });
      return true;
    },
  }));
});
afterAll(() => closeServer(server));

function open(version: 8 | 13): Promise<websocket.connection> {
  const client = new websocket.client({ webSocketVersion: version });
  return new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connectFailed', reject);
    client.connect(`ws://127.0.0.1:${port}/wsnode`, undefined, 'http://origin.example');
  });
}

describe.each([
  [13, 'rfc6455'],
  [8, 'hybi-10'],
] as const)('WebSocket-Node client, webSocketVersion %i', (version, draft) => {
  it(`is served as ${draft}, with its origin header, and echoes text and binary`, async () => {
    const conn = await open(version);
    expect(seen.at(-1)).toEqual({ draft, origin: 'http://origin.example' });
    const text = once<[websocket.Message]>(conn, 'message');
    conn.sendUTF('ünïcode');
    const [m1] = await text;
    expect(m1.type === 'utf8' ? m1.utf8Data : null).toBe('ünïcode');
    const bin = once<[websocket.Message]>(conn, 'message');
    conn.sendBytes(Buffer.from([1, 2, 3, 250]));
    const [m2] = await bin;
    expect(m2.type === 'binary' ? [...m2.binaryData] : null).toEqual([1, 2, 3, 250]);
    const pong = once<[Buffer]>(conn, 'pong');
    conn.ping(Buffer.from('pp'));
    expect(String((await pong)[0])).toBe('pp');
    const closed = once<[number, string]>(conn, 'close');
    conn.close(1000, 'over');
    expect((await closed)[0]).toBe(1000);
  });
});
