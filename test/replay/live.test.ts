// Live replays over loopback: our `serve`, ws and websocket-driver servers; probe against serve and ws.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeerServer, startDriverServer, startWsServer } from '../../scripts/record-servers.js';
import { probe } from '../../src/cli/commands/probe.js';
import { formatDifferences } from '../../src/replay/compare.js';
import type { Fixture } from '../../src/replay/fixture.js';
import { liveReplayable, replayLive } from '../../src/replay/live-replay.js';
import { loadCorpus } from './corpus-files.js';
import { type ServeProcess, startNpmStart } from './serve-process.js';

const corpus = loadCorpus().filter(liveReplayable);

/**
 * `attempts` > 1: a trace that differs is replayed again, and only one that differs every time fails.
 * Segment boundaries are best effort over TCP: a busy server can read a message and the close that
 * follows it in one chunk, and then its close echo rightly leaves before the message's echo.
 */
async function expectLiveGreen(fixtures: readonly Fixture[], port: number, attempts = 1): Promise<void> {
  const failures: string[] = [];
  for (const f of fixtures) {
    let diffs = await replayLive(f, { host: '127.0.0.1', port }, { gapMs: 10, idleMs: 150 });
    for (let i = 1; i < attempts && diffs.length > 0; i++)
      diffs = await replayLive(f, { host: '127.0.0.1', port }, { gapMs: 40, idleMs: 300 });
    if (diffs.length > 0) failures.push(`${f.file}\n${formatDifferences(diffs)}`);
  }
  expect(failures.join('\n')).toBe('');
}

describe('replay --target against servers written by others', () => {
  let ws: PeerServer;
  let driver: PeerServer;
  let driver070: PeerServer;
  beforeAll(async () => {
    [ws, driver, driver070] = await Promise.all([
      startWsServer(),
      startDriverServer(),
      startDriverServer('websocket-driver-070'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([ws.close(), driver.close(), driver070.close()]);
  });

  it('ws 8 answers every trace recorded from it as recorded (v8 and v13)', async () => {
    // bad-version-25 pins our refusal policy (426), which ws does not share (400): drafts.md §6.
    const set = corpus.filter(
      (f) => f.source.includes('ws 8.23.0 server') && !f.file.includes('bad-version-25'),
    );
    expect(set.length).toBeGreaterThanOrEqual(25);
    await expectLiveGreen(set, ws.port);
  }, 60_000);

  it('websocket-driver answers the hixie-75 and hixie-76 traces as recorded', async () => {
    const set = corpus.filter(
      (f) => f.source.includes('websocket-driver 0.8.0 server') && f.stream === 'compare',
    );
    expect(set.length).toBeGreaterThanOrEqual(20);
    await expectLiveGreen(
      set.filter((f) => f.varyHeaders.length === 0),
      driver.port,
    );
  }, 60_000);

  it('websocket-driver 0.7.0 answers the hybi-07 traces as recorded', async () => {
    const set = corpus.filter(
      (f) => f.source.includes('websocket-driver 0.7.0 server') && f.stream === 'compare',
    );
    expect(set.length).toBeGreaterThanOrEqual(10);
    await expectLiveGreen(set, driver070.port);
  }, 60_000);

  it('a live server that answers differently fails with a diff', async () => {
    // A hixie-76 trace sent to ws: refused with 400 where the trace says 101.
    const f = corpus.find((x) => x.file.endsWith('hixie-76/h76-1-spec-example.trace'))!;
    const diffs = await replayLive(f, { host: '127.0.0.1', port: ws.port }, { idleMs: 150 });
    expect(diffs[0]).toEqual({ where: 'HTTP status', expected: '101', actual: '400' });
  });

  it('probe against ws reports hybi-10 and rfc6455 only', async () => {
    const results = await probe(`ws://127.0.0.1:${ws.port}/`, [], 3000);
    expect(results.filter((r) => r.accepted).map((r) => r.draft)).toEqual(['rfc6455', 'hybi-10']);
    expect(results.filter((r) => r.accepted).every((r) => r.echo)).toBe(true);
    expect(results.find((r) => r.draft === 'hybi-07')?.versions).toBe('13, 8');
  });
});

describe('our wscompat serve, started as `npm start` (no flags, PORT=0)', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startNpmStart();
  }, 30_000);
  afterAll(async () => {
    await serve.stop();
  });

  it('probe reports all five drafts accepted with a working echo', async () => {
    const results = await probe(`ws://127.0.0.1:${serve.port}/`, [], 3000);
    expect(results.map((r) => [r.draft, r.accepted, r.echo])).toEqual([
      ['rfc6455', true, true],
      ['hybi-10', true, true],
      ['hybi-07', true, true],
      ['hixie-76', true, true],
      ['hixie-75', true, true],
    ]);
  });

  it('answers every trace of the corpus as recorded (what `replay fixtures --target` runs)', async () => {
    // The traces state the server they assume (server-protocol: chat, superchat; sample): serve's default,
    // agreeing to the client's first offer, is that server for every one of them.
    for (const d of ['hixie-75', 'hixie-76', 'hybi-07', 'hybi-10', 'rfc6455'])
      expect(corpus.some((f) => f.draft === d)).toBe(true);
    expect(corpus.filter((f) => f.serverProtocols.length > 0).length).toBeGreaterThanOrEqual(9);
    // A ping between fragments: the pong goes out before the echo of the message, as ws writes it.
    expect(corpus.filter((f) => f.file.includes('spec-fragments-ping'))).toHaveLength(3);
    await expectLiveGreen(corpus, serve.port, 3);
    expect(serve.child.exitCode).toBe(null);
  }, 120_000);
});
