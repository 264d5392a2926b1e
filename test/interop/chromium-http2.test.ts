// Interop: headless Chromium loads the demo page from `serve --http2` over HTTPS and opens its WebSocket
// back. Chromium (156 here) reuses the page's HTTP/2 connection for it with RFC 8441 extended CONNECT:
// the server sees an HTTP/2 request, and the echo works.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startServe } from '../../src/cli/commands/serve.js';
import type { Connection } from '../../src/connection/connection.js';
import { closeServer } from '../node/helpers.js';
import { CHROMIUM_ARGS } from '../support/chromium.js';
import { haveOpenssl, makeTestCert } from '../support/tls-cert.js';

const CHROMIUM = '/usr/bin/chromium';

/**
 * `serve --http2` (with `perMessageDeflate` when given) and headless Chromium on its demo page over HTTPS,
 * the page's WebSocket open; `run` gets the page and the server's connections. Everything is torn down after.
 */
async function onServeOverH2(
  perMessageDeflate: { threshold: number } | undefined,
  run: (page: Page, opened: { conn: Connection; req: IncomingMessage }[]) => Promise<void>,
): Promise<void> {
  const cert = makeTestCert();
  const { server, url } = await startServe({
    ...{ port: 0, host: '127.0.0.1', drafts: ['rfc6455'], maxPayload: undefined, protocols: undefined },
    tls: { cert: cert.certFile, key: cert.keyFile },
    quiet: true,
    http2: true,
    ...(perMessageDeflate ? { perMessageDeflate } : {}),
  });
  const opened: { conn: Connection; req: IncomingMessage }[] = [];
  server.on('connection', (conn: Connection, req: IncomingMessage) => opened.push({ conn, req }));
  const profile = mkdtempSync(join(tmpdir(), 'wscompat-chromium-h2-'));
  // The certificate is self-signed: tell Chromium to accept it rather than install a CA.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ignoreHTTPSErrors: true,
    args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const response = await page.goto(url.replace(/^wss/, 'https').replace('127.0.0.1', 'localhost'));
    expect(response?.status()).toBe(200);
    await page.waitForSelector('body[data-ready-state="1"]', { timeout: 20_000 });
    expect(opened).toHaveLength(1);
    expect(opened[0]!.req.httpVersion).toBe('2.0');
    await run(page, opened);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await closeServer(server);
    cert.remove();
  }
}

async function echoOnPage(page: Page, text: string): Promise<string | null> {
  await page.fill('#text', text);
  await page.click('button:text("send")');
  await page.waitForSelector('span.echo', { state: 'attached', timeout: 20_000 });
  return page.textContent('span.echo');
}

describe.skipIf(!existsSync(CHROMIUM) || !haveOpenssl)('Chromium over HTTP/2 (RFC 8441)', () => {
  it('opens the demo page WebSocket as an HTTP/2 stream and echoes', { timeout: 60_000 }, async () => {
    await onServeOverH2(undefined, async (page, opened) => {
      expect(await page.getAttribute('body', 'data-extensions')).toBe('none');
      expect(await echoOnPage(page, 'over h2 ✓')).toBe('over h2 ✓');
      const serverClosed = new Promise<unknown[]>((resolve) =>
        opened[0]!.conn.once('close', (...a) => resolve(a)),
      );
      await page.click('#close');
      expect(await serverClosed).toEqual([1000, 'bye', true]);
    });
  });

  it('serve --http2 --permessage-deflate: Chromium negotiates permessage-deflate on its HTTP/2 stream', {
    timeout: 60_000,
  }, async () => {
    await onServeOverH2({ threshold: 0 }, async (page, opened) => {
      const shown = await page.getAttribute('body', 'data-extensions');
      expect(shown).toMatch(/^permessage-deflate/);
      expect(opened[0]!.conn.extensions).toBe(shown);
      // Compressed both ways (threshold 0): Chromium inflates our echo to what it sent.
      const long = 'compressed over h2 '.repeat(200);
      expect(await echoOnPage(page, long)).toBe(long);
    });
  });
});
