// Headless Chromium (RFC 6455) through the gateway to an npm ws upstream: text, binary, subprotocol, close code.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { closeGateway, echoUpstream, startGateway } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) console.warn(`skipping Chromium gateway test: ${CHROMIUM} is not installed`);

describe.skipIf(!existsSync(CHROMIUM))('headless Chromium through the gateway', () => {
  it('exchanges text and binary and sees the upstream close code', async () => {
    const up = await echoUpstream({
      handle: (ws) =>
        ws.on('message', (d, isBinary) => {
          if (!isBinary && d.toString() === 'bye') ws.close(4321, 'done');
          else ws.send(d, { binary: isBinary });
        }),
    });
    const { gw, url } = await startGateway({ upstream: up.url });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const result = await page.evaluate(
        (u) =>
          new Promise<{ protocol: string; text: string; bytes: number[]; code: number; reason: string }>(
            (resolve, reject) => {
              const ws = new WebSocket(u, ['v1.chat']);
              ws.binaryType = 'arraybuffer';
              const got: (string | number[])[] = [];
              ws.onerror = () => reject(new Error('websocket error'));
              ws.onopen = () => {
                ws.send('héllo from chromium');
                ws.send(new Uint8Array([0, 128, 255]));
              };
              ws.onmessage = (e) => {
                got.push(typeof e.data === 'string' ? e.data : [...new Uint8Array(e.data as ArrayBuffer)]);
                if (got.length === 2) ws.send('bye');
              };
              ws.onclose = (e) =>
                resolve({
                  protocol: ws.protocol,
                  text: got[0] as string,
                  bytes: got[1] as number[],
                  code: e.code,
                  reason: e.reason,
                });
            },
          ),
        `${url}/browser`,
      );
      expect(result).toEqual({
        protocol: 'v1.chat',
        text: 'héllo from chromium',
        bytes: [0, 128, 255],
        code: 4321,
        reason: 'done',
      });
      expect(up.seen.at(-1)!.headers['user-agent']).toMatch(/Chrome/);
    } finally {
      await browser.close();
      await closeGateway(gw);
      await up.close();
    }
  }, 30_000);
});
