// `serve --tls-cert/--tls-key` serves wss:// and https:// for every draft, and `probe` speaks wss:// to it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/cli/commands/probe.js';
import { parseServeArgs, startServe } from '../../src/cli/commands/serve.js';
import { CliFailure } from '../../src/cli/failure.js';
import { connect } from '../../src/node/client.js';
import type { WsServer } from '../../src/node/server.js';
import { closeServer, once } from '../node/helpers.js';
import { haveOpenssl, makeTestCert, type TestCert } from '../support/tls-cert.js';

describe.skipIf(!haveOpenssl)('serve over TLS (skipped: /usr/bin/openssl absent)', () => {
  let cert: TestCert;
  let dir: string;
  let server: WsServer;
  let url: string;
  beforeAll(async () => {
    cert = makeTestCert();
    dir = mkdtempSync(join(tmpdir(), 'wscompat-serve-tls-'));
    writeFileSync(join(dir, 'cert.pem'), cert.cert);
    writeFileSync(join(dir, 'key.pem'), cert.key);
    const settings = parseServeArgs(
      ['--port', '0', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')],
      {},
    );
    if (settings === 'help') throw new Error('unexpected help');
    ({ server, url } = await startServe(settings));
  });
  afterAll(async () => {
    await closeServer(server);
    cert.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on wss:// and echoes an RFC 6455 and a hixie-76 client over TLS', async () => {
    expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/$/);
    for (const draft of ['rfc6455', 'hixie-76'] as const) {
      const conn = connect(`${url}echo`, { draft, ca: cert.cert });
      await once(conn, 'open');
      const reply = once<[Buffer, boolean]>(conn, 'message');
      conn.send(`over tls ${draft}`);
      expect(String((await reply)[0])).toBe(`over tls ${draft}`);
      conn.terminate();
    }
  });

  it('probe wss:// accepts every draft with --insecure, and names the TLS failure without it', async () => {
    const results = await probe(url, [], 3000, { rejectUnauthorized: false });
    expect(results.map((r) => [r.draft, r.accepted, r.echo])).toEqual([
      ['rfc6455', true, true],
      ['hybi-10', true, true],
      ['hybi-07', true, true],
      ['hixie-76', true, true],
      ['hixie-75', true, true],
    ]);
    const refused = await probe(url, [], 3000).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(CliFailure);
    expect(refused).toMatchObject({
      code: 4,
      message: expect.stringMatching(/TLS handshake failed.*--insecure/),
    });
  });
});
