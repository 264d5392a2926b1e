// TLS termination (wss:// clients, including hixie-76 whose Location must say wss://) and a wss:// upstream.
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { connect } from '../../src/node/client.js';
import { haveOpenssl, makeTestCert, type TestCert } from '../support/tls-cert.js';
import { closed, closeGateway, nextMessage, startGateway } from './helpers.js';

if (!haveOpenssl) console.warn('skipping TLS gateway tests: /usr/bin/openssl is not installed');

describe.skipIf(!haveOpenssl)('TLS', () => {
  let cert: Buffer;
  let key: Buffer;
  let made: TestCert;
  beforeAll(() => {
    made = makeTestCert();
    ({ cert, key } = made);
  });
  afterAll(() => made.remove());

  it('terminates TLS for rfc6455 and hixie-76 clients and forwards to a wss:// upstream', async () => {
    const https = createHttpsServer({ cert, key });
    const wss = new WebSocketServer({ server: https });
    wss.on('connection', (ws, req) => {
      ws.send(`proto=${req.headers['x-forwarded-proto']}`);
      ws.on('message', (d, b) => ws.send(d, { binary: b }));
    });
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    const upPort = (https.address() as import('node:net').AddressInfo).port;
    const { gw } = await startGateway({
      upstream: `wss://localhost:${upPort}`,
      upstreamCa: cert,
      tls: { cert, key },
    });
    const port = gw.address().port;
    for (const draft of ['rfc6455', 'hixie-76'] as const) {
      const conn = connect(`wss://localhost:${port}/secure`, { draft, ca: cert });
      const hello = nextMessage(conn);
      await once(conn, 'open');
      expect((await hello).data.toString()).toBe('proto=https');
      const echo = nextMessage(conn);
      conn.send(`over tls ${draft}`);
      expect((await echo).data.toString()).toBe(`over tls ${draft}`);
      const done = closed(conn);
      conn.close();
      expect((await done).wasClean).toBe(true);
    }
    await closeGateway(gw);
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => https.close(r));
  });

  it('an upstream certificate that does not verify gives the client 502', async () => {
    const https = createHttpsServer({ cert, key });
    new WebSocketServer({ server: https });
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    const upPort = (https.address() as import('node:net').AddressInfo).port;
    const { gw, url } = await startGateway({ upstream: `wss://localhost:${upPort}` });
    const conn = connect(url, { draft: 'rfc6455' });
    const [err] = (await once(conn, 'error')) as [{ status?: number }];
    expect(err.status).toBe(502);
    expect(gw.metrics.rejections.upstream_unreachable).toBe(1);
    await closeGateway(gw);
    https.closeAllConnections();
    await new Promise((r) => https.close(r));
  });
});
