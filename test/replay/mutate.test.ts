// replay --mutate: seeded variants of traces, replayed in-process in every split mode and against a live
// `serve`, and a target that stops accepting connections reported as such.

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as replay } from '../../src/cli/commands/replay.js';
import { parseRequestHead } from '../../src/core/http-head.js';
import { streamOf } from '../../src/replay/fixture.js';
import { mutateFixture } from '../../src/replay/mutate.js';
import { replayFixture } from '../../src/replay/replay.js';
import { mutantJobs } from '../../src/replay/run-mutants.js';
import { runJobs, traceFiles } from '../../src/replay/run-traces.js';
import { loadCorpus, ROOT } from './corpus-files.js';
import { type ServeProcess, startServe } from './serve-process.js';

const corpus = loadCorpus();
const byName = (name: string) => corpus.find((f) => f.file.endsWith(name))!;

describe('mutateFixture', () => {
  const f = byName('rfc6455/spec-fragments-ping-v13.trace');
  const original = streamOf(f, 'client');
  const headEnd = (b: Buffer) => {
    const p = parseRequestHead(b);
    if (p.kind !== 'head') throw new Error('no head');
    return p.consumed;
  };

  it('is deterministic per seed and rotates through every kind', () => {
    const a = mutateFixture(f, 8, 7);
    expect(a.map((v) => v.kind)).toEqual([
      'split',
      'header-case',
      'header-order',
      'byte-flip',
      'split',
      'header-case',
      'header-order',
      'byte-flip',
    ]);
    const again = mutateFixture(f, 8, 7);
    expect(again.map((v) => streamOf(v.fixture, 'client').toString('hex'))).toEqual(
      a.map((v) => streamOf(v.fixture, 'client').toString('hex')),
    );
    expect(mutateFixture(f, 8, 8).map((v) => streamOf(v.fixture, 'client').toString('hex'))).not.toEqual(
      a.map((v) => streamOf(v.fixture, 'client').toString('hex')),
    );
  });

  it('each kind changes only what it says', () => {
    const [split, headerCase, headerOrder, flip] = mutateFixture(f, 4, 3);
    expect(streamOf(split!.fixture, 'client')).toEqual(original);
    const cased = streamOf(headerCase!.fixture, 'client');
    expect(cased.toString('latin1').toLowerCase()).toBe(original.toString('latin1').toLowerCase());
    const ordered = streamOf(headerOrder!.fixture, 'client');
    const lines = (b: Buffer) => b.toString('latin1', 0, headEnd(b)).split('\r\n').sort();
    expect(lines(ordered)).toEqual(lines(original));
    const flipped = streamOf(flip!.fixture, 'client');
    const changed = [...flipped].flatMap((b, i) => (b === original[i] ? [] : [i]));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toBeGreaterThanOrEqual(headEnd(original));
  });

  it('role-client traces have no variants', () => {
    const client = corpus.find((x) => x.role === 'client')!;
    expect(mutateFixture(client, 5)).toEqual([]);
  });

  it('every variant of a sample of every draft replays in-process in all split modes', () => {
    for (const f of corpus.filter((_, i) => i % 9 === 0))
      for (const v of mutateFixture(f, 4, 11)) {
        expect(v.crash).toBeUndefined();
        expect(replayFixture(v.fixture).differences, v.label).toEqual([]);
      }
  });
});

describe('against a live server', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe(['--protocols', 'x-agreed-by-no-trace']);
  }, 30_000);
  afterAll(() => serve.stop());

  it('serve answers every variant as the in-process implementation does, and stays up', {
    timeout: 60_000,
  }, async () => {
    const files = [
      'fixtures/hixie-75/apple-logo.trace',
      'fixtures/hixie-76/h76-1-spec-example.trace',
      'fixtures/hybi-07/spec-hello-v7.trace',
      'fixtures/rfc6455/spec-fragments-ping-v13.trace',
    ].map((f) => join(ROOT, f));
    const target = { host: '127.0.0.1', port: serve.port };
    const results = await runJobs(mutantJobs(files, 4, 5, { target, live: { gapMs: 5, idleMs: 150 } }), 4);
    expect(results).toHaveLength(16);
    expect(results.every((r) => r.mode === 'live')).toBe(true);
    expect(results.filter((r) => r.status !== 'passed').map((r) => [r.file, r.differences])).toEqual([]);
  });

  it('a target that stops accepting connections fails the variant that did it', {
    timeout: 30_000,
  }, async () => {
    // Answers nothing and closes its listening socket after the first connection: a crash, from outside.
    const server = createServer((socket) => {
      server.close();
      socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const [file] = traceFiles([join(ROOT, 'fixtures/rfc6455/spec-hello-v13.trace')]);
    const [r] = await runJobs(
      mutantJobs([file!], 1, 1, { target: { host: '127.0.0.1', port }, live: { idleMs: 100 } }),
      1,
    );
    expect(r!.status).toBe('failed');
    expect(r!.differences.at(-1)).toMatchObject({
      where: 'target',
      expected: 'accepting connections after this variant',
    });
    expect(r!.differences.at(-1)!.actual).toMatch(/ECONNREFUSED/);
  });
});

describe('replay --mutate', () => {
  it('rejects counts outside 1-1000', async () => {
    await expect(replay(['fixtures', '--mutate', '0'])).rejects.toThrow('--mutate must be an integer 1-1000');
    await expect(replay(['fixtures', '--mutate', '1001'])).rejects.toThrow(
      '--mutate must be an integer 1-1000',
    );
  });
});
