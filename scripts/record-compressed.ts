// Records permessage-deflate traces (role server): real clients (npm ws, Python websockets, Chromium)
// against wscompat's own server with perMessageDeflate, through src/replay/recorder.ts. Run with
// `npx tsx scripts/record-compressed.ts`; writes fixtures/rfc6455/*-permessage-deflate.trace.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from '../src/node/server.js';
import { serializeFixture } from '../src/replay/fixture-write.js';
import { fixtureFromRecording } from '../src/replay/from-recording.js';
import { FIXTURES, recordOne, wsSendInTurn } from './record-lib.js';

const COMPRESSION = { threshold: 64 };
const LONG = JSON.stringify(
  Array.from({ length: 12 }, (_, i) => ({ id: i, user: `u${i % 3}`, ok: i % 2 === 0 })),
);
const MESSAGES = ['Hello', LONG, LONG];

const wsRun = (port: number): Promise<void> => wsSendInTurn(port, MESSAGES, { threshold: 64 });

const PY = `
import asyncio, json, sys, websockets
async def main():
    async with websockets.connect(sys.argv[1]) as ws:
        for m in json.loads(sys.argv[2]):
            await ws.send(m)
            await ws.recv()
        await ws.close(1000, "bye")
asyncio.run(main())
`;

function pythonRun(port: number): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('/usr/bin/python3', ['-c', PY, `ws://127.0.0.1:${port}/`, JSON.stringify(MESSAGES)], (err) =>
      err ? reject(err) : resolve(),
    ),
  );
}

async function chromiumRun(port: number): Promise<void> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    // A string, not a function: tsx would add helpers the page does not have.
    await page.evaluate(`new Promise((resolve) => {
      const ws = new WebSocket('ws://127.0.0.1:${port}/');
      const queue = ${JSON.stringify(MESSAGES)};
      function next() {
        const m = queue.shift();
        if (m === undefined) ws.close(1000, 'bye');
        else ws.send(m);
      }
      ws.onopen = next;
      ws.onmessage = next;
      ws.onclose = () => resolve();
    })`);
  } finally {
    await browser.close();
  }
}

const CLIENTS: [string, string, (port: number) => Promise<void>][] = [
  ['ws-client-permessage-deflate', 'npm ws 8.23.0 client (perMessageDeflate threshold 64)', wsRun],
  [
    'python-client-permessage-deflate',
    'Python websockets 10.4 client (Debian python3-websockets)',
    pythonRun,
  ],
  [
    'chromium-permessage-deflate',
    'headless Chromium (Debian /usr/bin/chromium) new WebSocket()',
    chromiumRun,
  ],
];

async function main(): Promise<void> {
  const server = createServer({ port: 0, perMessageDeflate: COMPRESSION }, (conn) =>
    conn.on('message', (data: Buffer, isBinary: boolean) => conn.send(data, { binary: isBinary })),
  );
  await new Promise<void>((r) => server.on('listening', () => r()));
  const port = (server.address() as { port: number }).port;
  for (const [name, who, run] of CLIENTS) {
    const rec = await recordOne(port, run);
    const fixture = fixtureFromRecording(rec.segments, {
      source: `${who} against wscompat's server with perMessageDeflate ${JSON.stringify(COMPRESSION)}, recorded by scripts/record-compressed.ts`,
      compression: COMPRESSION,
    });
    if (typeof fixture === 'string') throw new Error(`${name}: ${fixture}`);
    const file = join(FIXTURES, 'rfc6455', `${name}.trace`);
    writeFileSync(file, serializeFixture(fixture));
    console.log(`wrote ${file}`);
  }
  server.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
