// End to end on loopback: clients of every draft -> gateway -> npm ws upstream, text and binary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import websocket from 'websocket';
import WebSocket from 'ws';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { LogRecord } from '../../src/gateway/log.js';
import {
  closed,
  closeGateway,
  echoUpstream,
  nextMessage,
  open,
  startGateway,
  type Upstream,
} from './helpers.js';

let upstream: Upstream;
let gw: Gateway;
let url: string;
let logs: LogRecord[];

beforeAll(async () => {
  upstream = await echoUpstream();
  ({ gw, url, logs } = await startGateway({ upstream: `${upstream.url}/base`, binaryToLegacy: 'base64' }));
});
afterAll(async () => {
  await closeGateway(gw);
  await upstream.close();
});

describe('every draft through the gateway', () => {
  for (const draft of ['hixie-75', 'hixie-76', 'hybi-07', 'hybi-10', 'rfc6455'] as const) {
    it(`${draft}: text both ways, path and query forwarded, close passed on`, async () => {
      const conn = await open(`${url}/room/${draft}?x=1`, draft, { origin: 'http://tv.example' });
      expect(conn.draft).toBe(draft);
      const reply = nextMessage(conn);
      conn.send(`hello ${draft} ✓`);
      expect(await reply).toEqual({ data: Buffer.from(`hello ${draft} ✓`), isBinary: false });
      const seen = upstream.seen.at(-1)!;
      expect(seen.path).toBe(`/base/room/${draft}?x=1`);
      expect(seen.headers.origin).toBe('http://tv.example');
      expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
      const done = closed(conn);
      conn.close();
      const c = await done;
      expect(c.wasClean).toBe(true);
    });
  }

  for (const draft of ['hybi-07', 'hybi-10', 'rfc6455'] as const) {
    it(`${draft}: binary both ways`, async () => {
      const conn = await open(`${url}/bin`, draft);
      const reply = nextMessage(conn);
      conn.send(Buffer.from([0, 1, 2, 255]));
      expect(await reply).toEqual({ data: Buffer.from([0, 1, 2, 255]), isBinary: true });
      conn.close(1000);
      await closed(conn);
    });
  }

  it('the upstream subprotocol choice reaches the client', async () => {
    const conn = await open(`${url}/p`, 'rfc6455', { protocols: ['chat.v1', 'chat.v2'] });
    expect(conn.protocol).toBe('chat.v2');
    expect(upstream.seen.at(-1)!.protocol).toBe('chat.v2');
    conn.close();
    await closed(conn);
  });

  it('npm ws (13 and 8) through the gateway', async () => {
    for (const protocolVersion of [13, 8]) {
      const ws = new WebSocket(`${url}/npm`, { protocolVersion });
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      const got = new Promise<[Buffer, boolean]>((r) => ws.once('message', (d, b) => r([d as Buffer, b])));
      ws.send(Buffer.from('bin'), { binary: true });
      expect(await got).toEqual([Buffer.from('bin'), true]);
      const code = new Promise<number>((r) => ws.once('close', (c) => r(c)));
      ws.close(4001, 'done');
      expect(await code).toBe(4001);
    }
  });

  it('npm websocket (versions 13 and 8) through the gateway', async () => {
    for (const webSocketVersion of [13, 8]) {
      const client = new websocket.client({ webSocketVersion });
      const opened = new Promise<websocket.connection>((resolve, reject) => {
        client.once('connect', resolve);
        client.once('connectFailed', reject);
      });
      client.connect(`${url}/npm-websocket/${webSocketVersion}`, ['echo.v1'], 'http://tv.example');
      const conn = await opened;
      expect(conn.protocol).toBe('echo.v1');
      const openLog = logs.find((l) => l.event === 'open' && l.path === `/npm-websocket/${webSocketVersion}`);
      expect(openLog).toMatchObject({
        draft: webSocketVersion === 13 ? 'rfc6455' : 'hybi-10',
        origin: 'http://tv.example',
      });
      const got = new Promise<websocket.Message>((r) => conn.once('message', r));
      conn.sendUTF(`v${webSocketVersion}`);
      expect(await got).toMatchObject({ type: 'utf8', utf8Data: `v${webSocketVersion}` });
      const bin = new Promise<websocket.Message>((r) => conn.once('message', r));
      conn.sendBytes(Buffer.from([5, 6]));
      expect(await bin).toMatchObject({ type: 'binary', binaryData: Buffer.from([5, 6]) });
      const done = new Promise<number>((r) => conn.once('close', (code: number) => r(code)));
      conn.close(4002, 'bye');
      expect(await done).toBe(4002);
    }
  });

  it('logs open and close with the draft and user agent, and counts metrics', async () => {
    const ws = new WebSocket(`${url}/ua`, { headers: { 'User-Agent': 'HbbTV/1.1.1 (test)' } });
    await new Promise((r) => ws.once('open', r));
    ws.close();
    await new Promise((r) => ws.once('close', r));
    const opened = logs.find((l) => l.event === 'open' && l.userAgent === 'HbbTV/1.1.1 (test)');
    expect(opened).toMatchObject({ draft: 'rfc6455', remote: '127.0.0.1', path: '/ua' });
    const res = await fetch(`http://127.0.0.1:${gw.address().port}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/wscompat_gateway_connections_total\{draft="hixie-76"\} [1-9]/);
    expect(text).toMatch(/wscompat_gateway_messages_total\{direction="client_to_upstream"\} [1-9]/);
    const health = await fetch(`http://127.0.0.1:${gw.address().port}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('binary toward text-only clients', () => {
  it('base64 mode turns upstream binary into base64 text for hixie', async () => {
    const conn = await open(`${url}/b64`, 'hixie-76');
    const got = nextMessage(conn);
    upstream.wss.clients.forEach((c) => {
      c.send(Buffer.from([1, 2, 3]), { binary: true });
    });
    expect(await got).toEqual({ data: Buffer.from('AQID'), isBinary: false });
    conn.close();
    await closed(conn);
  });

  it('close mode: 1003 to the upstream and a clean close to the hixie client', async () => {
    const up = await echoUpstream({
      handle: (ws) => ws.on('message', () => ws.send(Buffer.from([9]), { binary: true })),
    });
    const codes: number[] = [];
    up.wss.on('connection', (ws) => ws.on('close', (c) => codes.push(c)));
    const g = await startGateway({ upstream: up.url });
    const conn = await open(g.url, 'hixie-76');
    const done = closed(conn);
    conn.send('go');
    expect((await done).wasClean).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(codes).toEqual([1003]);
    await closeGateway(g.gw);
    await up.close();
  });
});
