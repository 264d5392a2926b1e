// Failure paths end cleanly with the right status or code, and the gateway keeps serving others.
import { once } from 'node:events';
import { createServer as createNetServer, connect as netConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closed, closeGateway, echoUpstream, nextMessage, open, startGateway, until } from './helpers.js';

async function refusedStatus(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as { status?: number }).status;
  }
  throw new Error('expected a refusal');
}

/** A port with nothing listening: bind, note the port, close. */
async function deadPort(): Promise<number> {
  const s = createNetServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as import('node:net').AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('gateway failure paths', () => {
  it('upstream down: the client gets 502, the rejection is counted, others still work', async () => {
    const { gw, url, logs } = await startGateway({ upstream: `ws://127.0.0.1:${await deadPort()}` });
    expect(await refusedStatus(open(url, 'rfc6455'))).toBe(502);
    expect(await refusedStatus(open(url, 'hixie-76'))).toBe(502);
    expect(gw.metrics.rejections.upstream_unreachable).toBe(2);
    expect(logs.filter((l) => l.event === 'reject').map((l) => l.event === 'reject' && l.reason)).toEqual([
      'upstream_unreachable',
      'upstream_unreachable',
    ]);
    await closeGateway(gw);
  });

  it('upstream refusing: its status reaches the client', async () => {
    const up = await echoUpstream({ verify: (path) => !path.startsWith('/private') });
    const { gw, url } = await startGateway({ upstream: up.url });
    expect(await refusedStatus(open(`${url}/private`, 'hybi-10'))).toBe(403);
    expect(gw.metrics.rejections.upstream_refused).toBe(1);
    const ok = await open(`${url}/public`, 'hybi-10');
    const reply = nextMessage(ok);
    ok.send('still here');
    expect((await reply).data.toString()).toBe('still here');
    ok.close();
    await closed(ok);
    await closeGateway(gw);
    await up.close();
  });

  it('origin not allowed: 403 before any upstream connection', async () => {
    const up = await echoUpstream();
    const { gw, url } = await startGateway({ upstream: up.url, allowOrigins: ['*.example.com'] });
    expect(await refusedStatus(open(url, 'rfc6455', { origin: 'http://evil.test' }))).toBe(403);
    expect(await refusedStatus(open(url, 'hybi-07', { origin: 'http://evil.test' }))).toBe(403);
    expect(up.seen).toHaveLength(0);
    const ok = await open(url, 'hixie-76', { origin: 'http://tv.example.com' });
    ok.close();
    await closed(ok);
    expect(gw.metrics.rejections.origin).toBe(2);
    await closeGateway(gw);
    await up.close();
  });

  it('max connections: 503 past the limit, accepted again after one closes', async () => {
    const up = await echoUpstream();
    const { gw, url } = await startGateway({ upstream: up.url, maxConnections: 1 });
    const first = await open(url, 'rfc6455');
    expect(await refusedStatus(open(url, 'rfc6455'))).toBe(503);
    first.close();
    await closed(first);
    await until(() => gw.connections === 0);
    const again = await open(url, 'rfc6455');
    again.close();
    await closed(again);
    expect(gw.metrics.rejections.max_connections).toBe(1);
    await closeGateway(gw);
    await up.close();
  });

  it('upstream closing with a code: the code reaches RFC 6455 clients; hixie gets a clean close', async () => {
    const up = await echoUpstream({
      handle: (ws) => ws.on('message', (d) => ws.close(Number(d.toString()), 'bye')),
    });
    const { gw, url } = await startGateway({ upstream: up.url });
    const a = await open(url, 'rfc6455');
    const aDone = closed(a);
    a.send('4123');
    expect(await aDone).toEqual({ code: 4123, reason: 'bye', wasClean: true });
    const h = await open(url, 'hixie-76');
    const hDone = closed(h);
    h.send('4123');
    expect(await hDone).toMatchObject({ code: 1005, wasClean: true });
    await closeGateway(gw);
    await up.close();
  });

  it('upstream vanishing: the client gets 1011', async () => {
    const up = await echoUpstream({ handle: (ws) => ws.on('message', () => ws.terminate()) });
    const { gw, url } = await startGateway({ upstream: up.url });
    const a = await open(url, 'rfc6455');
    const done = closed(a);
    a.send('die');
    const c = await done;
    expect(c.wasClean).toBe(true);
    expect(c.code).toBe(1011);
    await closeGateway(gw);
    await up.close();
  });

  it('client vanishing mid-message: the upstream gets 1001, the gateway serves the next client', async () => {
    const codes: number[] = [];
    const up = await echoUpstream();
    up.wss.on('connection', (ws) => ws.on('close', (c) => codes.push(c)));
    const { gw, url } = await startGateway({ upstream: up.url });
    await open(url, 'rfc6455').then((c) => c.close());
    await until(() => codes.length === 1);
    // A raw hybi client: handshake, then half a frame, then a reset.
    const sock = netConnect(gw.address().port, '127.0.0.1');
    sock.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await once(sock, 'data');
    await until(() => up.seen.length === 2);
    sock.write(Buffer.from([0x81, 0x85, 1, 2, 3, 4, 0x68]));
    await new Promise((r) => setTimeout(r, 20));
    sock.resetAndDestroy();
    await until(() => codes.length === 2);
    expect(codes[1]).toBe(1001);
    await until(() => gw.connections === 0);
    const next = await open(url, 'hixie-75');
    const reply = nextMessage(next);
    next.send('next');
    expect((await reply).data.toString()).toBe('next');
    next.close();
    await closed(next);
    await closeGateway(gw);
    await up.close();
  });

  it('a bad handshake is refused by the server without touching the upstream', async () => {
    const up = await echoUpstream();
    const { gw } = await startGateway({ upstream: up.url });
    const sock = netConnect(gw.address().port, '127.0.0.1');
    sock.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const [data] = (await once(sock, 'data')) as [Buffer];
    expect(data.toString('latin1')).toMatch(/^HTTP\/1\.1 400 /);
    sock.destroy();
    expect(up.seen).toHaveLength(0);
    expect(gw.metrics.rejections.handshake).toBe(1);
    await closeGateway(gw);
    await up.close();
  });
});
