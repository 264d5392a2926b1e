// --proxy-protocol: the gateway reads a PROXY v1/v2 header before the HTTP head and takes the client's
// address from it (log, X-Forwarded-For); a connection without one is dropped; health checks may be LOCAL.
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { LogRecord } from '../../src/gateway/log.js';
import { closeGateway, echoUpstream, startGateway, type Upstream, until } from './helpers.js';

const UPGRADE =
  'GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

/** Write `bytes` on a fresh loopback connection; resolve with what came back before the head ended or close. */
async function exchange(port: number, bytes: Buffer): Promise<{ text: string; socket: Socket }> {
  const socket = netConnect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(bytes);
  let text = '';
  await new Promise<void>((resolve) => {
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (text.includes('\r\n\r\n')) resolve();
    });
    socket.on('close', () => resolve());
    socket.on('error', () => {});
  });
  return { text, socket };
}

function v2(cmd: number, fam: number, body: Buffer): Buffer {
  const head = Buffer.from('0d0a0d0a000d0a515549540a00000000', 'hex');
  head[12] = 0x20 | cmd;
  head[13] = fam;
  head.writeUInt16BE(body.length, 14);
  return Buffer.concat([head, body]);
}

describe('gateway --proxy-protocol', () => {
  let up: Upstream;
  let gw: Gateway;
  let logs: LogRecord[];
  let port: number;
  beforeAll(async () => {
    up = await echoUpstream();
    ({ gw, logs } = await startGateway({ upstream: up.url, proxyProtocol: true, handshakeTimeout: 500 }));
    port = gw.address().port;
  });
  afterAll(async () => {
    await closeGateway(gw);
    await up.close();
  });

  it('v1: the client address in the header is the one logged and forwarded', async () => {
    const header = 'PROXY TCP4 203.0.113.7 192.0.2.1 40000 80\r\n';
    const { text, socket } = await exchange(port, Buffer.from(header + UPGRADE, 'latin1'));
    expect(text).toMatch(/^HTTP\/1\.1 101 /);
    await until(() => up.seen.length === 1);
    expect(up.seen[0]!.headers['x-forwarded-for']).toBe('203.0.113.7');
    await until(() => logs.some((l) => l.event === 'open'));
    expect(logs.find((l) => l.event === 'open')).toMatchObject({ remote: '203.0.113.7' });
    socket.destroy();
  });

  it('v2 over IPv6, sent in pieces: the header may arrive split from the request', async () => {
    const addr = Buffer.from('20010db8000000000000000000000042', 'hex');
    const header = v2(1, 0x21, Buffer.concat([addr, addr, Buffer.from([0x9c, 0x40, 0, 80])]));
    const socket = netConnect(port, '127.0.0.1');
    await once(socket, 'connect');
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
    });
    socket.write(header.subarray(0, 7));
    await new Promise((r) => setTimeout(r, 20));
    socket.write(Buffer.concat([header.subarray(7), Buffer.from(UPGRADE.slice(0, 10))]));
    await new Promise((r) => setTimeout(r, 20));
    socket.write(UPGRADE.slice(10));
    await until(() => text.includes('\r\n\r\n'));
    expect(text).toMatch(/^HTTP\/1\.1 101 /);
    await until(() => up.seen.length === 2);
    expect(up.seen[1]!.headers['x-forwarded-for']).toBe('2001:db8::42');
    socket.destroy();
  });

  it('a LOCAL v2 header (a balancer health check) reaches /healthz', async () => {
    const req = Buffer.from('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const { text } = await exchange(port, Buffer.concat([v2(0, 0, Buffer.alloc(0)), req]));
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('no header, a bad header, or none in time: the connection is dropped unanswered', async () => {
    expect((await exchange(port, Buffer.from(UPGRADE))).text).toBe('');
    expect((await exchange(port, Buffer.from('PROXY TCP4 nonsense\r\n'))).text).toBe('');
    const started = Date.now();
    expect((await exchange(port, Buffer.from('PROXY TCP4 1.2.3.4'))).text).toBe('');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(up.seen).toHaveLength(2);
  });
});
