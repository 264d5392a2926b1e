// issue 10 item 4: npm `ws` 0.4.32 and 0.8.1 (installed as aliased dev dependencies) speak version 8 with
// a key that is base64 of 15 bytes (base64("8-" + Date.now())); em-websocket accepted it, and so must we.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import { closeServer, listening, once } from '../node/helpers.js';

const require = createRequire(import.meta.url);

/**
 * ws 0.8.1 takes `require('bufferutil').BufferUtil` and `require('utf-8-validate').Validation` (their 1.x
 * shapes), falling back to its own JS only when they are missing. The project's bufferutil 4 and
 * utf-8-validate 5 (for the `websocket` peer) are found instead and lack those properties, so 0.8.1 would
 * crash on its first send: point its two shims at its own fallbacks. Nothing to do with Node 20.
 */
function pinFallbacks(): void {
  for (const [shim, fallback] of [
    ['ws-081/lib/BufferUtil.js', 'ws-081/lib/BufferUtil.fallback.js'],
    ['ws-081/lib/Validation.js', 'ws-081/lib/Validation.fallback.js'],
  ] as const) {
    const id = require.resolve(shim);
    require.cache[id] = { id, filename: id, loaded: true, exports: require(fallback) } as NodeJS.Module;
  }
}

interface OldWs {
  on(event: string, fn: (...args: unknown[]) => void): void;
  once(event: string, fn: (...args: unknown[]) => void): void;
  send(data: string | Buffer, options?: { binary?: boolean }): void;
  close(code?: number, reason?: string): void;
}
type OldWsClass = new (url: string, options: { protocolVersion: number }) => OldWs;

let server: WsServer;
let port: number;
const keys: string[] = [];
const opened: Connection[] = [];

beforeAll(async () => {
  server = createServer(
    {
      port: 0,
      verifyClient: ({ req }) => {
        keys.push(String(req.headers['sec-websocket-key']));
        return true;
      },
    },
    (conn) => {
      opened.push(conn);
      conn.on('message', (data: Buffer, isBinary: boolean) => conn.send(data, { binary: isBinary }));
    },
  );
  port = await listening(server);
});
afterAll(() => closeServer(server));

function nextMessage(ws: OldWs): Promise<[unknown, unknown]> {
  return new Promise((resolve) => ws.once('message', (data, flags) => resolve([data, flags])));
}

describe.each(['ws-0432', 'ws-081'])('npm %s over version 8', (name) => {
  it('opens as hybi-10, echoes text and binary, and closes cleanly', async () => {
    if (name === 'ws-081') pinFallbacks();
    const WebSocket = require(name) as OldWsClass;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/old`, { protocolVersion: 8 });
    await once(ws as never, 'open');
    expect(opened.at(-1)?.draft).toBe('hybi-10');
    // The reason for the fix: their key does not decode to 16 bytes.
    expect(Buffer.from(keys.at(-1) ?? '', 'base64').length).not.toBe(16);
    const text = nextMessage(ws);
    ws.send('héllo from the past', { binary: false });
    expect(String((await text)[0])).toBe('héllo from the past');
    const bin = nextMessage(ws);
    ws.send(Buffer.from([0, 1, 254, 255]), { binary: true });
    const [data, flags] = await bin;
    expect([...(data as Buffer)]).toEqual([0, 1, 254, 255]);
    // 0.4.x reports binary in a flags object, 0.8.x as well ({ binary: true }).
    expect((flags as { binary?: boolean }).binary).toBe(true);
    const closed = new Promise<unknown>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.close(1000, 'bye');
    expect(await closed).toBe(1000);
  });
});
