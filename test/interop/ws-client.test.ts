// Interop: the npm `ws` client (v13 and protocolVersion 8) against our server over loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Connection } from '../../src/connection/connection.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import { closeServer, listening, once } from '../node/helpers.js';

let server: WsServer;
let port: number;
const serverSide: Connection[] = [];

beforeAll(async () => {
  server = createServer(
    { port: 0, handleProtocols: (offered) => (offered.includes('chat') ? 'chat' : undefined) },
    (conn) => {
      serverSide.push(conn);
      conn.on('message', (data: Buffer, isBinary: boolean) => {
        if (String(data) === 'close-me') conn.close(4002, 'as asked');
        else conn.send(data, { binary: isBinary });
      });
      conn.on('ping', (data: Buffer) => conn.ping(Buffer.concat([Buffer.from('re:'), data])));
    },
  );
  port = await listening(server);
});
afterAll(() => closeServer(server));

function open(protocolVersion: 8 | 13): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/interop`, ['chat'], { protocolVersion });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe.each([13, 8] as const)('ws client, protocolVersion %i', (version) => {
  const draft = version === 13 ? 'rfc6455' : 'hybi-10';

  it('negotiates the draft and subprotocol, echoes text and binary', async () => {
    const ws = await open(version);
    expect(ws.protocol).toBe('chat');
    expect(serverSide.at(-1)?.draft).toBe(draft);
    const text = once<[Buffer, boolean]>(ws, 'message');
    ws.send('héllo wörld');
    expect((await text).map(String)).toEqual(['héllo wörld', 'false']);
    const bin = once<[Buffer, boolean]>(ws, 'message');
    const bytes = Buffer.from([0, 255, 1, 254]);
    ws.send(bytes);
    const [data, isBinary] = await bin;
    expect([[...data], isBinary]).toEqual([[...bytes], true]);
    // A fragmented message is reassembled by our codec.
    const frag = once<[Buffer]>(ws, 'message');
    ws.send('part1-', { fin: false });
    ws.send('part2', { fin: true });
    expect(String((await frag)[0])).toBe('part1-part2');
    ws.close(1000, 'done');
    const [code] = await once<[number]>(ws, 'close');
    expect(code).toBe(1000);
  });

  it('ping from the client gets an automatic pong; our ping reaches it', async () => {
    const ws = await open(version);
    const pong = once<[Buffer]>(ws, 'pong');
    const ping = once<[Buffer]>(ws, 'ping');
    ws.ping('p1');
    expect(String((await pong)[0])).toBe('p1');
    expect(String((await ping)[0])).toBe('re:p1');
    ws.terminate();
  });

  it('our close code reaches the client; the server side reports its echo', async () => {
    const ws = await open(version);
    const conn = serverSide.at(-1)!;
    const serverClose = once<[number, string, boolean]>(conn, 'close');
    const clientClose = once<[number, Buffer]>(ws, 'close');
    ws.send('close-me');
    const [code, reason] = await clientClose;
    expect([code, String(reason)]).toEqual([4002, 'as asked']);
    // ws echoes our code and reason.
    expect(await serverClose).toEqual([4002, 'as asked', true]);
  });

  it('client close with a code: the server reports it, clean', async () => {
    const ws = await open(version);
    const conn = serverSide.at(-1)!;
    const serverClose = once<[number, string, boolean]>(conn, 'close');
    ws.close(4321, 'bye');
    expect(await serverClose).toEqual([4321, 'bye', true]);
  });

  it('a client that vanishes gives 1006 on the server', async () => {
    const ws = await open(version);
    const conn = serverSide.at(-1)!;
    const serverClose = once<[number, string, boolean]>(conn, 'close');
    ws.terminate();
    expect(await serverClose).toEqual([1006, '', false]);
  });
});
