// A ws client sends a message and its close frame in one write: the server's codec consumed the close
// before the message is emitted, yet the reply must still go out, before our close frame (RFC 6455
// §5.5.1: an endpoint may finish sending until its own close frame is written). issue 10 item 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServer, type WsServer } from '../../src/node/server.js';
import { closeServer, listening, once } from '../node/helpers.js';
import { type ServeProcess, startServe } from '../replay/serve-process.js';

const ROUNDS = 100;

function open(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** ws writes each frame separately; corking its socket puts the message and the close in one segment. */
async function messageThenCloseInOneWrite(port: number): Promise<{ code: number; messages: number }> {
  const ws = await open(port);
  let messages = 0;
  ws.on('message', () => messages++);
  const closed = once<[number]>(ws, 'close');
  const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
  socket.cork();
  ws.send('last words');
  ws.close(1000, 'bye');
  socket.uncork();
  const [code] = await closed;
  return { code, messages };
}

async function echoes(ws: WebSocket, text: string): Promise<string> {
  const reply = once<[Buffer]>(ws, 'message');
  ws.send(text);
  return String((await reply)[0]);
}

describe('send() from a message listener after the peer close in the same read (ws 8 client)', () => {
  let server: WsServer;
  let port: number;
  const outcomes: { returned: boolean; err: unknown }[] = [];
  beforeAll(async () => {
    server = createServer({ port: 0 }, (conn) => {
      conn.on('message', (data: Buffer) => {
        let returned = true;
        const err = new Promise<unknown>((resolve) => {
          returned = conn.send(data, { binary: false }, resolve);
        });
        void err.then((e) => outcomes.push({ returned, err: e }));
      });
    });
    port = await listening(server);
  });
  afterAll(() => closeServer(server));

  it('is written before the close echo: the client gets its echo, then a clean 1000 (100 of 100)', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { code, messages } = await messageThenCloseInOneWrite(port);
      expect(code).toBe(1000);
      expect(messages).toBe(1);
    }
    await new Promise((r) => setImmediate(r));
    expect(outcomes).toHaveLength(ROUNDS);
    for (const o of outcomes) {
      expect(o.returned).toBe(true);
      expect(o.err).toBeFalsy();
    }
  }, 30_000);
});

describe('wscompat serve facing clients that send a message and close in one write', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe();
  }, 30_000);
  afterAll(async () => {
    await serve.stop();
  });

  it('echoes each of them before closing cleanly (100 of 100) and keeps echoing for another client', async () => {
    const other = await open(serve.port);
    expect(await echoes(other, 'before')).toBe('before');
    for (let i = 0; i < ROUNDS; i++) {
      const { code, messages } = await messageThenCloseInOneWrite(serve.port);
      expect(code).toBe(1000);
      expect(messages).toBe(1);
    }
    expect(await echoes(other, 'after')).toBe('after');
    expect(serve.child.exitCode).toBe(null);
    const fresh = await open(serve.port);
    expect(await echoes(fresh, 'new')).toBe('new');
    fresh.close();
    other.close();
    await Promise.all([once(fresh, 'close'), once(other, 'close')]);
  }, 30_000);
});
