// What headless Chromium sends for `new WebSocket(url)`, captured over loopback and sniffed as RFC 6455.

import { once } from 'node:events';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { findHeadEnd, parseRequestHead } from '../../src/core/http-head.js';
import { inspect } from '../../src/sniff/inspect.js';
import { sniff } from '../../src/sniff/sniff.js';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('live Chromium over loopback', () => {
  it('new WebSocket(url) -> rfc6455 with no errors', async () => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const got = new Promise<Buffer>((resolve) => {
        server.once('connection', (socket) => {
          let buf = Buffer.alloc(0);
          socket.on('error', () => {});
          socket.on('data', (d: Buffer) => {
            buf = Buffer.concat([buf, d]);
            if (findHeadEnd(buf, 16384) >= 0 || buf.length > 16384) {
              socket.destroy();
              resolve(buf);
            }
          });
        });
      });
      const page = await browser.newPage();
      await page.evaluate((url) => {
        new WebSocket(url, ['chat']);
      }, `ws://127.0.0.1:${port}/chat`);
      const bytes = await got;
      const parsed = parseRequestHead(bytes);
      if (parsed.kind !== 'head') throw new Error(`unparseable: ${bytes.toString('latin1')}`);
      expect(sniff(parsed.head)).toMatchObject({ kind: 'websocket', draft: 'rfc6455' });
      const errors = inspect(parsed.head, bytes.subarray(parsed.consumed)).problems.filter(
        (p) => p.severity === 'error',
      );
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
