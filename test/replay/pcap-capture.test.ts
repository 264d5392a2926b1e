// import-pcap on a real capture: tshark records loopback traffic (pcapng) between real clients and
// `serve`, and every connection comes back as a fixture that replays green in-process.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { run as importPcap } from '../../src/cli/commands/import-pcap.js';
import { parseServeArgs, startServe } from '../../src/cli/commands/serve.js';
import { connect } from '../../src/node/client.js';
import { parseFixture } from '../../src/replay/fixture-parse.js';
import { replayFixture } from '../../src/replay/replay.js';

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Starts tshark on loopback for one port; resolves once it reports capturing, or with why it cannot. */
function startCapture(port: number, file: string): Promise<ChildProcess | string> {
  const child = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`tshark did not start capturing: ${err}`);
    }, 15_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += String(d);
      // "Capturing on" is printed before the capture is live; "Capture started" once packets are seen.
      // Older tshark builds never print the latter: then a fixed grace period after the former.
      const live = /Capture started/.test(err) ? 750 : /Capturing on/.test(err) ? 2000 : undefined;
      if (live !== undefined) {
        clearTimeout(timer);
        setTimeout(() => resolve(child), live);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(`tshark exited: ${err.trim()}`);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'wscompat-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasTshark())('import-pcap on a live tshark capture (skipped: tshark absent)', () => {
  it('turns an RFC 6455 (npm ws) and a hixie-76 (ours) connection into fixtures that replay green', {
    timeout: 60_000,
  }, async (ctx) => {
    const settings = parseServeArgs(['--port', '0']);
    if (settings === 'help') throw new Error('unexpected help');
    const { server, url } = await startServe(settings);
    const { port } = server.address() as AddressInfo;
    const file = join(dir, 'live.pcapng');
    const capture = await startCapture(port, file);
    if (typeof capture === 'string') {
      await new Promise<void>((done) => server.close(() => done()));
      ctx.skip(`no capture rights here: ${capture}`);
      return;
    }
    try {
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`${url}ws-path`);
        ws.on('open', () => ws.send('captured by tshark'));
        ws.on('message', () => ws.close(1000, 'bye'));
        ws.on('close', () => resolve());
        ws.on('error', reject);
      });
      await new Promise<void>((resolve, reject) => {
        const legacy = connect(`${url}legacy`, { draft: 'hixie-76' });
        legacy.on('open', () => legacy.send('old device'));
        legacy.on('message', () => legacy.close());
        legacy.on('close', () => resolve());
        legacy.on('error', reject);
      });
      // Let the last FINs reach the capture (and tshark write them) before stopping it; a loaded machine is slow.
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      const exited = new Promise((r) => capture.once('exit', r));
      capture.kill('SIGINT');
      await exited;
      await new Promise<void>((done) => server.close(() => done()));
    }
    const out = join(dir, 'imported');
    const written = await importPcap([file, '--out', out]);
    expect(written, 'import-pcap wrote no fixture: see its stderr above').toBe(0);
    const fixtures = readdirSync(out)
      .sort()
      .map((name) => parseFixture(readFileSync(join(out, name), 'utf8'), name));
    expect(fixtures.map((f) => f.draft).sort()).toEqual(['hixie-76', 'rfc6455']);
    for (const f of fixtures) {
      expect(f.expectStatus).toBe(101);
      expect(f.expectEvents.some((e) => e.type === 'text')).toBe(true);
      expect(replayFixture(f).differences).toEqual([]);
    }
  });
});
