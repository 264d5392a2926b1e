// `wscompat census` on a capture with clients of all five drafts (real client bytes from the corpus,
// plus a browser-like request and plain HTTP) and on a real gateway's JSON-lines log.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DraftId } from '../../src/core/types.js';
import { jsonLine } from '../../src/gateway/log.js';
import { parseFixture } from '../../src/replay/fixture-parse.js';
import type { RecordedSegment } from '../../src/replay/recorder.js';
import { conversation, ipPacket, linkFrame, pcapFile } from '../capture/capture-writer.js';
import { closeGateway, echoUpstream, open, startGateway } from '../gateway/helpers.js';
import { ROOT } from '../replay/corpus-files.js';

const dir = mkdtempSync(join(tmpdir(), 'wscompat-census-'));
afterAll(() => (process.env.KEEP ? undefined : rmSync(dir, { recursive: true, force: true })));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args],
      { cwd: ROOT, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const traceData = (name: string): RecordedSegment[] =>
  parseFixture(readFileSync(join(ROOT, 'fixtures', name), 'utf8')).segments.flatMap((s) =>
    s.kind === 'data' ? [{ dir: s.dir, kind: 'data' as const, bytes: s.bytes }] : [],
  );
const request = (text: string): RecordedSegment[] => [
  { dir: 'client', kind: 'data', bytes: Buffer.from(text.replaceAll('\n', '\r\n')) },
  { dir: 'server', kind: 'data', bytes: Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n') },
];

/** Connections one after another (each on its own client port), one second per packet. */
function captureOf(conversations: RecordedSegment[][]): Buffer {
  const frames = conversations.flatMap((segs, i) =>
    conversation(segs).map((p) => linkFrame(113, ipPacket(p, { clientPort: 42000 + i }))),
  );
  return pcapFile(frames, 113);
}

const SAFARI_76 = `GET /feed HTTP/1.1
Upgrade: WebSocket
Connection: Upgrade
Host: tv.example
Origin: http://tv.example
User-Agent: Mozilla/5.0 (iPad; CPU OS 4_3 like Mac OS X) Safari/6533.18.5
Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5
Sec-WebSocket-Key2: 12998 5 Y3 1  .P00

^n:ds[4U`;

interface CensusJson {
  handshakes: number;
  refused: number;
  drafts: { value: string; count: number; firstSeen: string; lastSeen: string }[];
  extensions: { value: string; count: number }[];
  subprotocols: { value: string; count: number }[];
  userAgents: { value: string; count: number }[];
  origins: { value: string; count: number }[];
  refusals: { value: string; count: number }[];
  timeline: { bucketMs: number; buckets: { start: string; drafts: Record<string, number> }[] };
}

describe('census of a capture', () => {
  const file = join(dir, 'clients.pcap');
  writeFileSync(
    file,
    captureOf([
      traceData('hixie-75/apple-logo.trace'),
      traceData('hixie-76/h76-1-spec-example.trace'),
      request(SAFARI_76),
      traceData('hixie-76/bad-key-no-spaces.trace'),
      traceData('hybi-07/ruby-websocket-client-v7.trace'),
      traceData('hybi-10/our-client-v8-protocol.trace'),
      traceData('rfc6455/ws-client-v13-protocol.trace'),
      traceData('rfc6455/ws-client-v13-echo.trace'),
      request('GET /index.html HTTP/1.1\nHost: tv.example\n\n'),
    ]),
  );

  it('--json counts every draft, the offers, who sent them and what would be refused', async () => {
    const r = await cli(['census', file, '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as CensusJson;
    expect(c.handshakes).toBe(8); // the plain HTTP GET is not a handshake
    const drafts = Object.fromEntries(c.drafts.map((d) => [d.value, d.count]));
    expect(drafts).toEqual({
      'hixie-75': 1,
      'hixie-76': 3,
      'hybi-07': 1,
      'hybi-10': 1,
      rfc6455: 2,
    } satisfies Partial<Record<DraftId, number>>);
    expect(c.refused).toBe(1);
    expect(c.refusals[0]!.value).toBe('400 invalid Sec-WebSocket-Key1: key has no spaces');
    expect(c.userAgents).toContainEqual(
      expect.objectContaining({
        value: 'Mozilla/5.0 (iPad; CPU OS 4_3 like Mac OS X) Safari/6533.18.5',
        count: 1,
      }),
    );
    expect(c.origins).toContainEqual(expect.objectContaining({ value: 'http://tv.example', count: 1 }));
    expect(c.subprotocols.length).toBeGreaterThan(0);
    expect(c.extensions.map((e) => e.value)).toContain('permessage-deflate');
    // First and last seen follow the packets' timestamps (the capture starts at 1.7e9 s).
    const h76 = c.drafts.find((d) => d.value === 'hixie-76')!;
    expect(Date.parse(h76.firstSeen)).toBeGreaterThanOrEqual(1_700_000_000_000);
    expect(Date.parse(h76.lastSeen)).toBeGreaterThan(Date.parse(h76.firstSeen));
    const total = c.timeline.buckets.reduce(
      (n, b) => n + Object.values(b.drafts).reduce((a, x) => a + x, 0),
      0,
    );
    expect(total).toBe(8);
  });

  it('prints a table and writes a self-contained HTML page with the chart', async () => {
    const page = join(dir, 'census.html');
    const r = await cli(['census', file, '--html', page]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^8 WebSocket handshakes in .*clients\.pcap; 1 would be refused$/m);
    expect(r.stdout).toMatch(/^ {2}hixie-76 +3 {2}2023-11-14T22:1\d:\d\d\.\d{3}Z {2}2023-/m);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('<svg');
    expect(html.match(/<rect [^>]*fill="#e08a2c"><title>/g)?.length).toBeGreaterThan(0); // hixie-76 bars
    expect(html).not.toMatch(/<(script|link|img)\b|src=|href=/); // nothing fetched from elsewhere
    expect(html).toContain('Mozilla/5.0 (iPad; CPU OS 4_3 like Mac OS X) Safari/6533.18.5');
  });
});

describe('census of a gateway log', () => {
  it('counts the drafts of clients that went through a real gateway, and its refusals', {
    timeout: 30_000,
  }, async () => {
    const upstream = await echoUpstream();
    const { gw, url, logs } = await startGateway({
      upstream: upstream.url,
      allowOrigins: ['http://tv.example'],
    });
    try {
      for (const draft of ['hixie-75', 'hixie-76', 'hybi-07', 'hybi-10', 'rfc6455', 'hixie-76'] as const) {
        const conn = await open(`${url}/${draft}`, draft, { origin: 'http://tv.example' });
        await new Promise<void>((resolve) => {
          conn.once('close', () => resolve());
          conn.close();
        });
      }
      await expect(open(`${url}/x`, 'rfc6455', { origin: 'http://evil.example' })).rejects.toThrow();
    } finally {
      await closeGateway(gw);
      await upstream.close();
    }
    const log = join(dir, 'gateway.log');
    writeFileSync(log, `${logs.map(jsonLine).join('')}not json\n`);
    const r = await cli(['census', log, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 line(s) are not JSON log records');
    const c = JSON.parse(r.stdout) as CensusJson;
    expect(c.handshakes).toBe(7);
    expect(Object.fromEntries(c.drafts.map((d) => [d.value, d.count]))).toEqual({
      'hixie-75': 1,
      'hixie-76': 2,
      'hybi-07': 1,
      'hybi-10': 1,
      rfc6455: 2,
    });
    expect(c.refused).toBe(1);
    expect(c.refusals[0]!.value).toMatch(/^403 origin/);
    expect(c.origins.map((o) => o.value).sort()).toEqual(['http://evil.example', 'http://tv.example']);
  });
});
