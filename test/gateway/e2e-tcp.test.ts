// websockify mode: a TCP upstream, bytes as binary messages or base64 text (hixie, `base64` subprotocol).
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Gateway } from '../../src/gateway/gateway.js';
import { closed, closeGateway, nextMessage, startGateway, until } from './helpers.js';

let tcp: Server;
const sockets: Socket[] = [];
let gw: Gateway;
let url: string;

beforeAll(async () => {
  // A TCP echo server that also greets, as a VNC server speaks first.
  tcp = createServer((s) => {
    sockets.push(s);
    s.write(Buffer.from([0x52, 0x46, 0x42, 0x00, 0xff]));
    s.pipe(s);
  }).listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  const { port } = tcp.address() as import('node:net').AddressInfo;
  ({ gw, url } = await startGateway({ upstream: `tcp://127.0.0.1:${port}` }));
});
afterAll(async () => {
  await closeGateway(gw);
  for (const s of sockets) s.destroy();
  await new Promise((r) => tcp.close(r));
});

describe('TCP upstream', () => {
  it('a binary client gets bytes as binary messages and its binary messages become bytes', async () => {
    const ws = new WebSocket(url, ['binary']);
    const first = new Promise<[Buffer, boolean]>((r) => ws.once('message', (d, b) => r([d as Buffer, b])));
    await once(ws, 'open');
    expect(ws.protocol).toBe('binary');
    expect(await first).toEqual([Buffer.from([0x52, 0x46, 0x42, 0x00, 0xff]), true]);
    const echo = new Promise<[Buffer, boolean]>((r) => ws.once('message', (d, b) => r([d as Buffer, b])));
    ws.send(Buffer.from([0, 1, 2, 200]));
    expect(await echo).toEqual([Buffer.from([0, 1, 2, 200]), true]);
    ws.close();
    await once(ws, 'close');
  });

  it('a client that chose base64 exchanges base64 text', async () => {
    const conn = connectAndFirst(url, 'rfc6455', ['base64']);
    const { conn: c, first } = await conn;
    expect(c.protocol).toBe('base64');
    expect(first).toEqual({ data: Buffer.from('UkZCAP8='), isBinary: false });
    const echo = nextMessage(c);
    c.send(Buffer.from([7, 8, 9]).toString('base64'));
    expect(await echo).toEqual({ data: Buffer.from('BwgJ'), isBinary: false });
    c.close();
    await closed(c);
  });

  it('a hixie-76 client gets base64 text even without asking', async () => {
    const { conn: c, first } = await connectAndFirst(url, 'hixie-76', []);
    expect(first).toEqual({ data: Buffer.from('UkZCAP8='), isBinary: false });
    const echo = nextMessage(c);
    c.send('AAEC');
    expect(await echo).toEqual({ data: Buffer.from('AAEC'), isBinary: false });
    c.close();
    await closed(c);
  });

  it('text that is not base64 closes with 1007', async () => {
    const { conn: c } = await connectAndFirst(url, 'rfc6455', ['base64']);
    const done = closed(c);
    c.send('*** not base64 ***');
    expect((await done).code).toBe(1007);
  });

  it('the TCP peer closing closes the client', async () => {
    const { conn: c } = await connectAndFirst(url, 'rfc6455', ['binary']);
    const done = closed(c);
    await until(() => sockets.some((s) => !s.destroyed));
    for (const s of sockets) s.end();
    expect((await done).wasClean).toBe(true);
  });
});

/** Open and wait for the greeting the TCP server sends at once (the listener must exist before 'open'). */
async function connectAndFirst(u: string, draft: 'rfc6455' | 'hixie-76', protocols: string[]) {
  const { connect } = await import('../../src/node/client.js');
  const conn = connect(u, { draft, protocols });
  const first = new Promise<{ data: Buffer; isBinary: boolean }>((r) =>
    conn.once('message', (data: Buffer, isBinary: boolean) => r({ data, isBinary })),
  );
  await once(conn, 'open');
  return { conn, first: await first };
}
