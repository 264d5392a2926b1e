// Interop: permessage-deflate with Python websockets 10.4 (client and server), Node's built-in WebSocket
// (undici; Node 20 needs --experimental-websocket) and headless Chromium, over loopback.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.js';
import { jsonLike } from '../hybi/compression-helpers.js';
import { closeServer, openClient, startEchoServer } from '../node/helpers.js';
import { runChild } from '../support/child.js';
import { hasPythonModule, PYTHON } from '../support/python.js';

const CHROMIUM = '/usr/bin/chromium';
const MESSAGES = ['hello ✓', jsonLike(3000, 1), jsonLike(70_000, 2), ''];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const hasPythonWebsockets = hasPythonModule('websockets');

const PY_CLIENT = `
import asyncio, json, sys, websockets
async def main(url, msgs):
    async with websockets.connect(url, max_size=2**24) as ws:
        out = []
        for m in msgs:
            await ws.send(m)
            out.append(await ws.recv())
        print(json.dumps({"ext": ws.response_headers.get("Sec-WebSocket-Extensions"), "echo": out}))
asyncio.run(main(sys.argv[1], json.loads(sys.stdin.read())))
`;

const PY_SERVER = `
import asyncio, sys, websockets
async def echo(ws, path=None):
    print("ext", ws.request_headers.get("Sec-WebSocket-Extensions"), "->", ws.response_headers.get("Sec-WebSocket-Extensions"), flush=True)
    async for m in ws:
        await ws.send(m)
async def main():
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=2**24) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.sleep(30)
asyncio.run(main())
`;

describe.skipIf(!hasPythonWebsockets)('Python websockets 10.4 with permessage-deflate', () => {
  it('python client -> our server: negotiates and echoes compressed messages', async () => {
    const { server, port } = await startEchoServer({ perMessageDeflate: true });
    cleanups.push(() => closeServer(server));
    const conns: Connection[] = [];
    server.on('connection', (c: Connection) => conns.push(c));
    const out = await runChild(
      PYTHON,
      ['-c', PY_CLIENT, `ws://127.0.0.1:${port}/`],
      JSON.stringify(MESSAGES),
    );
    const result = JSON.parse(out) as { ext: string; echo: string[] };
    expect(result.ext).toMatch(/^permessage-deflate/);
    expect(result.echo).toEqual(MESSAGES);
    expect(conns[0]!.extensions).toBe(result.ext);
  });

  it('our client -> python server: negotiates and echoes compressed messages', async () => {
    const child = spawn(PYTHON, ['-c', PY_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => child.kill());
    const lines: string[] = [];
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d;
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
    });
    child.once('exit', () => lines.push('exited'));
    await waitFor(() => lines.length > 0);
    const port = Number(lines[0]);
    expect(port).toBeGreaterThan(0);
    const conn = await openClient(
      `ws://127.0.0.1:${port}/`,
      { perMessageDeflate: { threshold: 0 } },
      cleanups,
    );
    expect(conn.extensions).toMatch(/^permessage-deflate/);
    const got: string[] = [];
    conn.on('message', (d: Buffer) => got.push(String(d)));
    for (const m of MESSAGES) conn.send(m);
    await waitFor(() => got.length === MESSAGES.length);
    expect(got).toEqual(MESSAGES);
    expect(lines[1]).toMatch(/^ext permessage-deflate; client_max_window_bits -> permessage-deflate/);
  });
});

async function waitFor(fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const NODE_CLIENT = `
const msgs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const ws = new WebSocket(process.argv[1]);
const got = [];
ws.onopen = () => { for (const m of msgs) ws.send(m); };
ws.onmessage = (e) => { got.push(e.data); if (got.length === msgs.length) ws.close(1000); };
ws.onclose = (e) => { console.log(JSON.stringify({ ext: ws.extensions, got, code: e.code })); };
`;

describe("Node's built-in WebSocket (undici)", () => {
  it('is behind --experimental-websocket on Node 20 and reads our compressed messages', async () => {
    const { server, port } = await startEchoServer({ perMessageDeflate: { threshold: 0 } });
    cleanups.push(() => closeServer(server));
    const major = Number(process.versions.node.split('.')[0]);
    const flags = major < 22 ? ['--experimental-websocket'] : [];
    const out = await runChild(
      process.execPath,
      [...flags, '-e', NODE_CLIENT, `ws://127.0.0.1:${port}/`],
      JSON.stringify(MESSAGES),
    );
    const result = JSON.parse(out) as { ext: string; got: string[]; code: number };
    expect(result.ext).toMatch(/^permessage-deflate/);
    expect(result.got).toEqual(MESSAGES);
    expect(result.code).toBe(1000);
  });
});

describe.skipIf(!existsSync(CHROMIUM))('headless Chromium with permessage-deflate', () => {
  it('offers client_max_window_bits, and compressed messages flow both ways', {
    timeout: 60_000,
  }, async () => {
    const { server, port } = await startEchoServer({ perMessageDeflate: { threshold: 0 } });
    cleanups.push(() => closeServer(server));
    const offers: string[] = [];
    server.on('headers', (_lines, req) => offers.push(String(req.headers['sec-websocket-extensions'] ?? '')));
    const profile = mkdtempSync(join(tmpdir(), 'wscompat-chromium-'));
    cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    cleanups.push(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    const result = await page.evaluate(
      ([url, msgs]) =>
        new Promise<{ ext: string; got: string[] }>((resolve, reject) => {
          const ws = new WebSocket(url as string);
          const got: string[] = [];
          ws.onopen = () => {
            for (const m of msgs as string[]) ws.send(m);
          };
          ws.onmessage = (e) => {
            got.push(e.data as string);
            if (got.length === (msgs as string[]).length) resolve({ ext: ws.extensions, got });
          };
          ws.onerror = () => reject(new Error('websocket error'));
        }),
      [`ws://127.0.0.1:${port}/`, MESSAGES] as const,
    );
    expect(offers[0]).toBe('permessage-deflate; client_max_window_bits');
    expect(result.ext).toBe('permessage-deflate');
    expect(result.got).toEqual(MESSAGES);
  });
});
