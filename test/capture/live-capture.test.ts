// Captures written by dumpcap on loopback (pcapng on `lo`: Ethernet; classic pcap on `any`: Linux cooked
// v2) of npm ws and our hixie-76 client talking to `serve`: our reader must reassemble exactly what
// tshark does, and import-pcap must turn them into fixtures that replay green.
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
import { tcpConnections } from '../../src/replay/pcap.js';
import { replayFixture } from '../../src/replay/replay.js';
import { type CaptureSpec, have, startCapture, stopCapture, tsharkStreams } from './tshark.js';

const dir = mkdtempSync(join(tmpdir(), 'wscompat-live-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPECS: Record<string, CaptureSpec> = {
  'lo.pcapng': { tool: 'dumpcap', iface: 'lo' },
  'any-sll2.pcap': { tool: 'dumpcap', iface: 'any', linkType: 'LINUX_SLL2', pcap: true },
};

async function traffic(url: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`${url}ws-path`);
    ws.on('open', () => ws.send('captured by dumpcap'));
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
}

describe.skipIf(!have('dumpcap') || !have('tshark'))(
  'live loopback captures (skipped: no dumpcap/tshark)',
  () => {
    it('Ethernet pcapng and Linux cooked v2 pcap: same streams as tshark, fixtures that replay green', {
      timeout: 90_000,
    }, async (ctx) => {
      const settings = parseServeArgs(['--port', '0']);
      if (settings === 'help') throw new Error('unexpected help');
      const { server, url } = await startServe(settings);
      const { port } = server.address() as AddressInfo;
      const files = Object.keys(SPECS).map((name) => join(dir, name));
      const captures = await Promise.all(
        Object.values(SPECS).map((spec, i) => startCapture(spec, port, files[i]!)),
      );
      const failed = captures.find((c) => typeof c === 'string');
      if (failed !== undefined) {
        for (const c of captures) if (typeof c !== 'string') await stopCapture(c);
        await new Promise<void>((done) => server.close(() => done()));
        ctx.skip(`no capture rights here: ${failed}`);
        return;
      }
      try {
        await traffic(url);
        // Let the last FINs reach the capture before stopping it; a loaded machine is slow.
        await new Promise((r) => setTimeout(r, 1500));
      } finally {
        for (const c of captures) if (typeof c !== 'string') await stopCapture(c);
        await new Promise<void>((done) => server.close(() => done()));
      }
      for (const file of files) {
        const ours = (await tcpConnections(file)).map((c) => c.pieces.filter((p) => p.kind === 'data'));
        const theirs = await tsharkStreams(file);
        expect(ours.length, file).toBe(2);
        expect(ours, file).toEqual(theirs);
      }
      const out = join(dir, 'imported');
      const written = await importPcap([files[0]!, '--out', out]);
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
  },
);
