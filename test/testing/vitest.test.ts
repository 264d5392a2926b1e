// wscompat/testing from vitest: one test per trace, in-process, against npm ws and against `wscompat serve`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeerServer, startWsServer } from '../../scripts/record-servers.js';
import {
  assertTracePassed,
  replayFixtures,
  TraceMismatch,
  type TraceResult,
  vitestReplay,
} from '../../src/testing/index.js';
import { ROOT, writeCorruptHelloTrace } from '../replay/corpus-files.js';
import { type ServeProcess, startServe } from '../replay/serve-process.js';

const FIX = join(ROOT, 'fixtures');
const fromWs = (f: { source: string; file: string }) =>
  f.source.includes('ws 8.23.0 server') && !f.file.includes('bad-version-25');
const quick = { gapMs: 5, idleMs: 120 };

const corrupt = writeCorruptHelloTrace(mkdtempSync(join(tmpdir(), 'wscompat-testing-')));

describe('in-process: every hixie-75 trace is one vitest test', () => {
  const count = vitestReplay(it, join(FIX, 'hixie-75'), { root: ROOT });
  it('registered one test per trace', () => expect(count).toBe(13));
});

describe('against npm ws', () => {
  let ws: PeerServer;
  beforeAll(async () => {
    ws = await startWsServer();
  });
  afterAll(() => ws.close());
  vitestReplay(it, join(FIX, 'rfc6455'), {
    target: () => `ws://127.0.0.1:${ws.port}/`,
    filter: fromWs,
    live: quick,
    root: ROOT,
  });

  it('replayFixtures returns structured results, concurrently', async () => {
    const results = await replayFixtures([join(FIX, 'hybi-10'), corrupt], {
      target: `ws://127.0.0.1:${ws.port}/`,
      concurrency: 4,
      live: quick,
    });
    expect(results).toHaveLength(19);
    const byStatus = (s: TraceResult['status']) => results.filter((r) => r.status === s).length;
    expect(byStatus('passed')).toBe(18);
    const failed = results.find((r) => r.status === 'failed')!;
    expect(failed.file).toBe(corrupt);
    expect(failed.draft).toBe('rfc6455');
    expect(failed.mode).toBe('live');
    expect(failed.differences[0]).toMatchObject({ offset: 6 });
    expect(failed.differences[0]!.where).toMatch(/^server stream after the head, byte 0x6/);
  });

  it('a hixie-76 trace against ws differs at the status line', async () => {
    const [r] = await replayFixtures(join(FIX, 'hixie-76/h76-1-spec-example.trace'), {
      target: `ws://127.0.0.1:${ws.port}/`,
      live: quick,
    });
    expect(r!.differences[0]).toEqual({ where: 'HTTP status', expected: '101', actual: '400' });
  });
});

describe('against wscompat serve', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe(['--protocols', 'x-agreed-by-no-trace']);
  }, 30_000);
  afterAll(() => serve.stop());
  vitestReplay(it, join(FIX, 'hixie-76'), {
    target: () => ({ host: '127.0.0.1', port: serve.port }),
    filter: (f) => f.serverProtocols.length === 0 && f.stream === 'compare' && f.varyHeaders.length === 0,
    live: quick,
    root: ROOT,
  });
});

describe('a failing trace', () => {
  // it.fails passes only if the registered test fails: the corrupted trace must fail in-process.
  vitestReplay(it.fails, corrupt);

  it('fails with the readable diff and expected/actual for the diff view', async () => {
    const [r] = await replayFixtures(corrupt);
    expect(r!.status).toBe('failed');
    let thrown: unknown;
    try {
      assertTracePassed(r!);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TraceMismatch);
    const e = thrown as TraceMismatch;
    expect(e.message).toContain(`trace ${corrupt} failed (segments):`);
    expect(e.message).toMatch(/expected: .*48 65 6c 6c \[6e\]/);
    expect(e.message).toMatch(/produced: .*48 65 6c 6c \[6f\]/);
    expect(e.expected).not.toBe(e.actual);
  });
});
