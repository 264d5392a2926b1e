// Interop: headless Chromium loads the `wscompat serve` demo page, which opens a WebSocket back and echoes.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseServeArgs, startServe } from '../../src/cli/commands/serve.js';
import type { Connection } from '../../src/connection/connection.js';
import { closeServer } from '../node/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.skipIf(!existsSync(CHROMIUM))(
  'Chromium against the serve demo page (skipped: /usr/bin/chromium absent)',
  () => {
    it('shows readyState OPEN and the draft, echoes a message, and closes cleanly', {
      timeout: 60_000,
    }, async () => {
      const settings = parseServeArgs(['--port', '0', '--drafts', 'rfc6455'], {});
      if (settings === 'help') throw new Error('unexpected help');
      const { server, url } = await startServe(settings);
      const conns: Connection[] = [];
      server.on('connection', (conn: Connection) => conns.push(conn));
      const profile = mkdtempSync(join(tmpdir(), 'wscompat-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(url.replace(/^ws/, 'http'));
        await page.waitForSelector('body[data-ready-state="1"]', { timeout: 20_000 });
        expect(conns.map((c) => c.draft)).toEqual(['rfc6455']);
        // The server names the draft it negotiated; the page shows it and does not count it as an echo.
        await page.waitForSelector('body[data-draft="rfc6455"]', { timeout: 20_000 });
        expect(await page.textContent('#draft')).toBe('rfc6455');
        expect(await page.$$('span.echo')).toHaveLength(0);
        await page.fill('#text', 'from chromium ✓');
        await page.click('button:text("send")');
        await page.waitForSelector('span.echo', { state: 'attached', timeout: 20_000 });
        expect(await page.textContent('span.echo')).toBe('from chromium ✓');
        const serverClosed = new Promise<unknown[]>((resolve) =>
          conns[0]!.once('close', (...a) => resolve(a)),
        );
        await page.click('#close');
        expect(await serverClosed).toEqual([1000, 'bye', true]);
        // A string predicate: it runs in the page, where `document` exists.
        await page.waitForFunction("/close \\d+/.test(document.getElementById('log').textContent)", null, {
          timeout: 20_000,
        });
        expect(await page.getAttribute('body', 'data-ready-state')).toBe('3');
        expect(await page.textContent('#log')).toMatch(/\nclose 1000 \(clean\)\n/);
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
        await closeServer(server);
      }
    });
  },
);
