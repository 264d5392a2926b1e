// permessage-deflate over RFC 8441: negotiated in the extended CONNECT's sec-websocket-extensions header by
// the same code as the HTTP/1.1 101, both roles. Checked with node:http2 as a raw peer (frames built and
// read here, inflated with node:zlib) and with our own client.
import { type ClientHttp2Stream, createSecureServer, connect as http2Connect } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { constants, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { connect } from '../../src/node/client.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import { haveOpenssl, makeTestCert, type TestCert } from '../support/tls-cert.js';
import { listening, once } from './helpers.js';

const TEXT = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ id: i, user: 'alice', ok: true })));

/** A masked text frame (RFC 6455 §5.2), length < 65536. */
function maskedText(s: string): Buffer {
  const data = Buffer.from(s);
  const mask = Buffer.from([1, 2, 3, 4]);
  const head =
    data.length < 126
      ? Buffer.from([0x81, 0x80 | data.length])
      : Buffer.from([0x81, 0xfe, data.length >> 8, data.length & 0xff]);
  return Buffer.concat([head, mask, Buffer.from(data.map((b, i) => b ^ mask[i % 4]!))]);
}

describe.skipIf(!haveOpenssl)('permessage-deflate over HTTP/2 (RFC 8441)', () => {
  let cert: TestCert;
  let server: WsServer;
  let port: number;
  const accepted: Connection[] = [];
  beforeAll(async () => {
    cert = makeTestCert();
    server = createServer(
      { port: 0, http2: true, tls: { cert: cert.cert, key: cert.key }, perMessageDeflate: { threshold: 0 } },
      (conn) => {
        accepted.push(conn);
        conn.on('message', (data: Buffer, isBinary: boolean) => conn.send(data, { binary: isBinary }));
        conn.on('error', () => {});
      },
    );
    port = await listening(server);
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    cert.remove();
  });

  it('server: answers the offer in the 200 and echoes compressed (raw node:http2 peer)', async () => {
    const session = http2Connect(`https://localhost:${port}`, { ca: cert.cert });
    try {
      await once(session, 'remoteSettings');
      const stream: ClientHttp2Stream = session.request({
        ':method': 'CONNECT',
        ':protocol': 'websocket',
        ':scheme': 'https',
        ':path': '/raw',
        ':authority': `localhost:${port}`,
        'sec-websocket-version': '13',
        'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits, x-webkit-deflate-frame',
      });
      const [headers] = await once<[Record<string, unknown>]>(stream, 'response');
      expect(headers[':status']).toBe(200);
      expect(headers['sec-websocket-extensions']).toBe('permessage-deflate');
      expect(accepted.at(-1)!.extensions).toBe('permessage-deflate');
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.write(maskedText(TEXT));
      /** The first frame's header size and payload length, once all of it is in. */
      const parsed = (): { at: number; len: number } | undefined => {
        const all = Buffer.concat(chunks);
        if (all.length < 4) return undefined;
        const short = all[1]! & 0x7f;
        const r = short === 126 ? { at: 4, len: all.readUInt16BE(2) } : { at: 2, len: short };
        return all.length >= r.at + r.len ? r : undefined;
      };
      for (let i = 0; i < 500 && !parsed(); i++) await new Promise((r) => setTimeout(r, 10));
      const frame = Buffer.concat(chunks);
      expect(frame[0]).toBe(0xc1); // FIN, RSV1 (compressed), text
      const { at, len } = parsed()!;
      expect(len).toBeLessThan(TEXT.length / 4);
      const payload = frame.subarray(at, at + len);
      expect(
        inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]), {
          finishFlush: constants.Z_SYNC_FLUSH,
        }).toString(),
      ).toBe(TEXT);
      stream.close();
    } finally {
      session.close();
    }
  });

  it('client and server: ours negotiate over HTTP/2 and echo compressed messages with context takeover', async () => {
    const conn = connect(`wss://localhost:${port}/ours`, {
      http2: true,
      ca: cert.cert,
      perMessageDeflate: { threshold: 0, clientMaxWindowBits: 10 },
    });
    await once(conn, 'open');
    expect(conn.extensions).toBe('permessage-deflate; client_max_window_bits=10');
    expect(accepted.at(-1)!.extensions).toBe('permessage-deflate; client_max_window_bits=10');
    for (const m of [TEXT, TEXT, 'short', TEXT]) {
      const reply = once<[Buffer]>(conn, 'message');
      conn.send(m);
      expect(String((await reply)[0])).toBe(m);
    }
    conn.close(1000);
    await once(conn, 'close');
  });

  it("'headers' over HTTP/2: listeners see the 200's fields and what they push is sent", async () => {
    const seen: string[][] = [];
    const edit = (lines: string[]) => {
      seen.push([...lines]);
      lines.push('Set-Cookie: a=1', 'set-cookie: b=2', 'Connection: keep-alive', 'X-Served-By: test');
    };
    server.on('headers', edit);
    const session = http2Connect(`https://localhost:${port}`, { ca: cert.cert });
    try {
      const stream = session.request({
        ':method': 'CONNECT',
        ':protocol': 'websocket',
        ':scheme': 'https',
        ':path': '/headers',
        ':authority': `localhost:${port}`,
        'sec-websocket-version': '13',
        'sec-websocket-extensions': 'permessage-deflate',
      });
      const [headers] = await once<[Record<string, unknown>]>(stream, 'response');
      expect(seen).toEqual([['HTTP/2 200', 'sec-websocket-extensions: permessage-deflate']]);
      expect(headers[':status']).toBe(200);
      expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(headers['x-served-by']).toBe('test');
      expect(headers.connection).toBeUndefined();
      expect(headers['sec-websocket-extensions']).toBe('permessage-deflate');
      stream.close();
    } finally {
      server.off('headers', edit);
      session.close();
    }
  });

  it('client: an extension answer that was not offered fails the handshake', async () => {
    // A server of our own making: it allows extended CONNECT and answers with an extension nobody offered.
    const h2 = createSecureServer({
      cert: cert.cert,
      key: cert.key,
      settings: { enableConnectProtocol: true },
    });
    h2.on('stream', (stream) =>
      stream.respond({ ':status': 200, 'sec-websocket-extensions': 'permessage-deflate' }),
    );
    h2.listen(0, '127.0.0.1');
    await once(h2, 'listening');
    try {
      const { port: p } = h2.address() as AddressInfo;
      const conn = connect(`wss://localhost:${p}/`, { http2: true, ca: cert.cert });
      const closed = once<[number]>(conn, 'close');
      const [err] = await once<[Error]>(conn, 'error');
      expect(err.message).toMatch(/not offered/);
      expect((await closed)[0]).toBe(1006);
    } finally {
      await new Promise((r) => h2.close(r));
    }
  });
});
