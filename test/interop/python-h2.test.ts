// Interop: an independent HTTP/2 stack, Debian's python3-h2 (test/interop/peers/h2_websocket.py), opens
// a WebSocket to our server with an RFC 8441 extended CONNECT, frames it by hand, and closes it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServer } from '../../src/node/server.js';
import { closeServer, listening } from '../node/helpers.js';
import { hasPythonModule, PYTHON } from '../support/python.js';
import { haveOpenssl, makeTestCert } from '../support/tls-cert.js';

const PEER = join(import.meta.dirname, 'peers', 'h2_websocket.py');

function runPeer(port: number, path: string, message: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [PEER, String(port), path, message], { timeout: 15_000 }, (err, out, errOut) => {
      if (err) reject(new Error(`${err.message}\n${errOut}`));
      else resolve(JSON.parse(out));
    });
  });
}

describe.skipIf(!haveOpenssl || !hasPythonModule('h2'))('python3-h2 extended CONNECT (RFC 8441)', () => {
  it('sees SETTINGS_ENABLE_CONNECT_PROTOCOL, gets 200 with a subprotocol, an echo and a 1000 close', async () => {
    const cert = makeTestCert();
    const seen: { url: string; version: string; closed?: [number, string] }[] = [];
    const server = createServer(
      {
        port: 0,
        http2: true,
        tls: { cert: cert.cert, key: cert.key },
        path: '/py',
        handleProtocols: (offered) => offered.find((p) => p === 'superchat'),
      },
      (conn, req) => {
        const entry: (typeof seen)[number] = { url: conn.url, version: req.httpVersion };
        seen.push(entry);
        conn.on('message', (data: Buffer, isBinary: boolean) => conn.send(data, { binary: isBinary }));
        conn.on('close', (code: number, reason: string) => {
          entry.closed = [code, reason];
        });
      },
    );
    try {
      const port = await listening(server);
      expect(await runPeer(port, '/py?x=1', 'hello from h2 ✓')).toEqual({
        enable_connect_protocol: 1,
        status: 200,
        protocol: 'superchat',
        echo: 'hello from h2 ✓',
        close: 1000,
      });
      expect(seen).toEqual([{ url: '/py?x=1', version: '2.0', closed: [1000, 'done'] }]);
      // The path option applies over HTTP/2 too.
      expect(await runPeer(port, '/elsewhere', 'x')).toMatchObject({ status: 404 });
    } finally {
      await closeServer(server);
      cert.remove();
    }
  });
});
