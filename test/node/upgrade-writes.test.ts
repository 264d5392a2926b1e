// How the server writes its handshake answer: Nagle off first, the hixie-76 101 head and 16-byte answer in
// one write when key3 came with the head, the head alone at once when it did not (drafts.md §2).
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseResponseHead } from '../../src/core/http-head.js';
import { seededRng } from '../../src/core/rng.js';
import { getDraft } from '../../src/drafts.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import { closeServer, delay, RawClient } from './helpers.js';

let http: Server;
let wss: WsServer;
let port: number;
/** What each upgraded socket saw, in order: 'nodelay' or the bytes of one write. */
let calls: (string | Buffer)[];
const clients: RawClient[] = [];

beforeEach(async () => {
  calls = [];
  wss = createServer({ noServer: true });
  http = createHttpServer();
  http.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
    const setNoDelay = socket.setNoDelay.bind(socket);
    socket.setNoDelay = (on?: boolean) => {
      if (on !== false) calls.push('nodelay');
      return setNoDelay(on);
    };
    socket.write = ((chunk: Buffer) => {
      calls.push(Buffer.from(chunk));
      return write(chunk);
    }) as Socket['write'];
    wss.handleUpgrade(req, socket, head, (conn) =>
      conn.on('message', (d: Buffer) => conn.send(d.toString())),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  port = (http.address() as AddressInfo).port;
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await closeServer(wss);
  await new Promise((resolve) => http.close(resolve));
});

function request(draft: 'hixie-76' | 'rfc6455') {
  return getDraft(draft).buildRequest({
    url: new URL(`ws://127.0.0.1:${port}/`),
    protocols: [],
    origin: 'http://example.com',
    rng: seededRng(11),
  });
}

function writes(): Buffer[] {
  return calls.filter((c): c is Buffer => typeof c !== 'string');
}

describe('handshake answer writes', () => {
  it('hixie-76 with key3 in hand: Nagle off, then the 101 head and the answer in one write', async () => {
    const req = request('hixie-76');
    const client = new RawClient(port);
    clients.push(client);
    client.write(req.bytes);
    await client.head();
    const headEnd = client.received.indexOf('\r\n\r\n') + 4;
    const all = await client.atLeast(headEnd + 16);
    expect(calls[0]).toBe('nodelay');
    expect(writes()).toHaveLength(1);
    expect(writes()[0]!.equals(all.subarray(0, headEnd + 16))).toBe(true);
    const parsed = parseResponseHead(all);
    if (parsed.kind !== 'head') throw new Error('no head');
    const verdict = req.verify(parsed.head, all.subarray(headEnd, headEnd + 16), all.subarray(0, headEnd));
    expect(verdict.ok).toBe(true);
  });

  it('hixie-76 with key3 late: the head goes out at once (Nagle already off), the answer when key3 arrives', async () => {
    const req = request('hixie-76');
    const client = new RawClient(port);
    clients.push(client);
    client.write(req.bytes.subarray(0, req.bytes.length - 8));
    const early = await client.head();
    expect(calls.slice(0, 2).map((c) => (typeof c === 'string' ? c : 'write'))).toEqual(['nodelay', 'write']);
    expect(writes()[0]!.toString('latin1')).toBe(early);
    await delay(30);
    expect(writes()).toHaveLength(1);
    client.write(req.bytes.subarray(req.bytes.length - 8));
    await client.atLeast(early.length + 16);
    expect(writes().map((w) => w.length)).toEqual([early.length, 16]);
  });

  it('RFC 6455: Nagle off, then the 101 in one write', async () => {
    const req = request('rfc6455');
    const client = new RawClient(port);
    clients.push(client);
    client.write(req.bytes);
    const head = await client.head();
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    expect(calls[0]).toBe('nodelay');
    expect(writes().map((w) => w.toString('latin1'))).toEqual([head]);
  });
});
