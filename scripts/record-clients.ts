// Real clients written by others, driven for trace recording: npm ws, npm websocket, ruby websocket, Chromium.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import websocket from 'websocket';
import WebSocket from 'ws';

export type Send = string | Buffer | { ping: Buffer };

/** npm ws 8 client: sends each item once the previous echo arrived, then closes with `close`. */
export function wsClient(
  url: string,
  o: { version: 8 | 13; protocols?: string[]; sends: Send[]; close: [number, string] },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, o.protocols ?? [], { protocolVersion: o.version });
    const queue = [...o.sends];
    const next = () => {
      const item = queue.shift();
      if (item === undefined) return ws.close(...o.close);
      if (typeof item === 'object' && 'ping' in item) {
        ws.ping(item.ping);
        return;
      }
      ws.send(item);
    };
    ws.on('open', next);
    ws.on('message', next);
    ws.on('pong', next);
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
}

/** npm `websocket` (WebSocket-Node) client: text messages one after another, then close. */
export function websocketNodeClient(
  url: string,
  o: { version: 8 | 13; protocols?: string[]; sends: string[]; close: [number, string] },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new websocket.client({ webSocketVersion: o.version });
    client.on('connectFailed', reject);
    client.on('connect', (conn) => {
      const queue = [...o.sends];
      const next = () => {
        const item = queue.shift();
        if (item === undefined) conn.close(...o.close);
        else conn.sendUTF(item);
      };
      conn.on('message', next);
      conn.on('close', () => resolve());
      next();
    });
    client.connect(url, o.protocols);
  });
}

/** The ruby `websocket` gem (1.2.x) as a draft 75/76/7/8/13 client; see record-ruby-client.rb. */
export function rubyClient(
  url: string,
  version: number,
  protocols: string[],
  messages: string[],
): Promise<string> {
  const script = join(import.meta.dirname, 'record-ruby-client.rb');
  return new Promise((resolve, reject) => {
    execFile(
      'ruby',
      [script, url, String(version), ...protocols, '--', ...messages],
      { timeout: 10_000 },
      (err, out, stderr) => (err ? reject(new Error(`ruby client: ${stderr || err.message}`)) : resolve(out)),
    );
  });
}

/** Headless Chromium's own WebSocket (RFC 6455, offering permessage-deflate): text, binary, close. */
export async function chromiumClient(
  url: string,
  protocols: string[],
  texts: string[],
  binary: number[],
): Promise<void> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    // A string, not a function: tsx would inject its __name helper into a function's source.
    await page.evaluate(`new Promise((resolve, reject) => {
      const ws = new WebSocket(${JSON.stringify(url)}, ${JSON.stringify(protocols)});
      ws.binaryType = 'arraybuffer';
      const queue = [...${JSON.stringify(texts)}, new Uint8Array(${JSON.stringify(binary)})];
      const next = () => {
        const item = queue.shift();
        if (item === undefined) ws.close(1000, 'done');
        else ws.send(item);
      };
      ws.onopen = next;
      ws.onmessage = next;
      ws.onclose = () => resolve();
      ws.onerror = () => reject(new Error('chromium websocket error'));
      setTimeout(() => reject(new Error('chromium client timed out')), 5000);
    })`);
  } finally {
    await browser.close();
  }
}
