// Compressed traces: what each records (checked with an independent frame reader and node:zlib), that they
// replay in-process, and live with --target against `wscompat serve --permessage-deflate` (the CLI with
// --target-compression), against npm ws with perMessageDeflate and against Python websockets.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInflateRaw, inflateRawSync, constants as z } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEBIAN_PYTHON,
  type PeerServer,
  startPythonServer,
  startWsServer,
} from '../../scripts/record-servers.js';
import { formatDifferences } from '../../src/replay/compare.js';
import { type Fixture, streamOf } from '../../src/replay/fixture.js';
import { liveReplayable, liveSkipReason, replayLive } from '../../src/replay/live-replay.js';
import { replayFixture } from '../../src/replay/replay.js';
import { runCli } from '../cli/run-cli.js';
import { loadCorpus } from './corpus-files.js';
import { type ServeProcess, startServe } from './serve-process.js';

const corpus = loadCorpus();
const trace = (name: string): Fixture => {
  const f = corpus.find((x) => x.file.endsWith(`rfc6455/${name}.trace`));
  if (!f) throw new Error(`no trace ${name}`);
  return f;
};

interface Frame {
  readonly rsv1: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
}

/** RFC 6455 §5.2 frames after the HTTP head, unmasked; written here, independent of the code under test. */
function framesOf(stream: Buffer): Frame[] {
  let at = stream.indexOf('\r\n\r\n') + 4;
  const out: Frame[] = [];
  while (at + 2 <= stream.length) {
    const b0 = stream[at]!;
    const b1 = stream[at + 1]!;
    let len = b1 & 0x7f;
    let p = at + 2;
    if (len === 126) {
      len = stream.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      len = Number(stream.readBigUInt64BE(p));
      p += 8;
    }
    const mask = b1 & 0x80 ? stream.subarray(p, p + 4) : undefined;
    if (mask) p += 4;
    const payload = Buffer.from(stream.subarray(p, p + len));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    out.push({ rsv1: (b0 & 0x40) !== 0, opcode: b0 & 0x0f, payload });
    at = p + len;
  }
  return out;
}

function answerHeader(f: Fixture, name: string): string | undefined {
  const head = streamOf(f, 'server').toString('latin1').split('\r\n\r\n')[0]!;
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** Inflate the compressed messages one after another with one context (context takeover), as a peer does. */
async function inflateInOrder(payloads: readonly Buffer[]): Promise<string[]> {
  const inflate = createInflateRaw();
  const out: string[] = [];
  for (const p of payloads) {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => chunks.push(c);
    inflate.on('data', onData);
    inflate.write(Buffer.concat([p, Buffer.from([0, 0, 0xff, 0xff])]));
    await new Promise<void>((r) => inflate.flush(z.Z_SYNC_FLUSH, () => r()));
    inflate.off('data', onData);
    out.push(Buffer.concat(chunks).toString());
  }
  inflate.close();
  return out;
}

const dataFrames = (stream: Buffer) => framesOf(stream).filter((f) => f.opcode === 1 || f.opcode === 2);

describe('what the compressed traces record', () => {
  it('context takeover: from the second record on, each refers back to the ones before', async () => {
    const f = trace('ws-client-context-takeover');
    expect(answerHeader(f, 'Sec-WebSocket-Extensions')).toBe('permessage-deflate');
    const texts = f.expectEvents.flatMap((e) => (e.type === 'text' ? [e.data.toString()] : []));
    expect(texts).toHaveLength(5);
    for (const dir of ['client', 'server'] as const) {
      const frames = dataFrames(streamOf(f, dir));
      expect(frames.map((x) => x.rsv1)).toEqual([true, true, true, true, true]);
      const payloads = frames.map((x) => x.payload);
      expect(await inflateInOrder(payloads)).toEqual(texts);
      // Alone, a later record does not inflate to itself: it points into history it does not carry.
      for (const p of payloads.slice(1)) {
        let alone: string | undefined;
        try {
          alone = inflateRawSync(Buffer.concat([p, Buffer.from([0, 0, 0xff, 0xff])]), {
            finishFlush: z.Z_SYNC_FLUSH,
          }).toString();
        } catch {
          alone = undefined;
        }
        expect(texts).not.toContain(alone);
        expect(p.length).toBeLessThan(texts[0]!.length / 2);
      }
    }
  });

  it('deflate-frame: our client and server negotiate x-webkit-deflate-frame and compress each frame', async () => {
    for (const name of ['our-client-deflate-frame', 'our-server-deflate-frame']) {
      const f = trace(name);
      expect(answerHeader(f, 'Sec-WebSocket-Extensions')).toBe('x-webkit-deflate-frame');
      const server = dataFrames(streamOf(f, 'server'));
      // threshold 64: "Hello" goes as is, the two long records compressed (the second refers to the first).
      expect(server.map((x) => x.rsv1)).toEqual([false, true, true]);
      const long = await inflateInOrder(server.slice(1).map((x) => x.payload));
      expect(long[0]).toBe(long[1]);
      expect(JSON.parse(long[0]!)).toHaveLength(12);
    }
  });

  it('our client against ws and Python websockets: permessage-deflate negotiated, echoes compressed', () => {
    const ws = trace('our-client-ws-server-permessage-deflate');
    expect(answerHeader(ws, 'Sec-WebSocket-Extensions')).toMatch(/^permessage-deflate/);
    expect(dataFrames(streamOf(ws, 'server')).some((x) => x.rsv1)).toBe(true);
    const py = trace('our-client-python-server-permessage-deflate');
    expect(answerHeader(py, 'Sec-WebSocket-Extensions')).toMatch(/^permessage-deflate/);
    expect(dataFrames(streamOf(py, 'server')).some((x) => x.rsv1)).toBe(true);
    // Our client compressed the two long records (threshold 64), not "Hello".
    expect(dataFrames(streamOf(py, 'client')).map((x) => x.rsv1)).toEqual([false, true, true]);
  });

  it('each replays in-process at every split', () => {
    for (const name of [
      'ws-client-context-takeover',
      'our-client-deflate-frame',
      'our-server-deflate-frame',
      'our-client-ws-server-permessage-deflate',
      'our-client-python-server-permessage-deflate',
    ]) {
      const r = replayFixture(trace(name));
      expect(r.ok ? '' : `${name}\n${formatDifferences(r.differences)}`).toBe('');
    }
  });

  it('live selection: a compressed trace fits only a target with the option it was recorded against', () => {
    const threshold64 = { threshold: 64 };
    expect(liveSkipReason(trace('ws-client-context-takeover'), threshold64)).toBeUndefined();
    expect(liveSkipReason(trace('our-client-deflate-frame'), threshold64)).toBeUndefined();
    expect(liveReplayable(trace('ws-client-context-takeover'))).toBe(false);
    expect(liveSkipReason(trace('ws-client-context-takeover'), true)).toMatch(/target has true/);
    // Recorded against a server that declined: fits only a target without compression.
    expect(liveReplayable(trace('ws-client-v13-echo'))).toBe(true);
    expect(liveSkipReason(trace('ws-client-v13-echo'), threshold64)).toMatch(/compression none/);
    // No offer at all: any target.
    expect(liveSkipReason(trace('spec-hello-v13'), threshold64)).toBeUndefined();
    expect(liveSkipReason(trace('our-client-ws-server-permessage-deflate'), threshold64)).toMatch(
      /another implementation/,
    );
  });
});

describe('live replay of compressed traces', () => {
  let serve: ServeProcess;
  let ws: PeerServer;
  beforeAll(async () => {
    [serve, ws] = await Promise.all([
      startServe(['--quiet', '--permessage-deflate', '--deflate-threshold', '64']),
      startWsServer({ perMessageDeflate: { threshold: 64 } }),
    ]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([serve.stop(), ws.close()]);
  });

  it('replay fixtures/rfc6455 --target serve --target-compression: every compressed trace of ours passes', async () => {
    const r = await runCli([
      'replay',
      'fixtures/rfc6455',
      '--target',
      `ws://127.0.0.1:${serve.port}`,
      '--target-compression',
      '{"threshold":64}',
      '--reporter',
      'json',
    ]);
    const report = JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('}') + 1)) as {
      results: { file: string; status: string }[];
    };
    const by = (status: string) =>
      report.results
        .filter((x) => x.status === status)
        .map((x) => x.file.replace(/^.*\//, '').replace('.trace', ''));
    expect(by('failed')).toEqual([]);
    expect(r.code).toBe(0);
    expect(by('passed')).toEqual(
      expect.arrayContaining([
        'chromium-permessage-deflate',
        'python-client-permessage-deflate',
        'ws-client-permessage-deflate',
        'ws-client-context-takeover',
        'our-client-deflate-frame',
        'our-server-deflate-frame',
        'spec-hello-v13',
      ]),
    );
    expect(by('skipped')).toEqual(
      expect.arrayContaining([
        'chromium-permessage-deflate-offer',
        'ws-client-v13-echo',
        'our-client-ws-server-permessage-deflate',
      ]),
    );
  }, 90_000);

  it('a bad --target-compression is a usage error', async () => {
    const r = await runCli([
      'replay',
      'fixtures/rfc6455',
      '--target',
      'ws://127.0.0.1:9',
      '--target-compression',
      '{x',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toContain('--target-compression must be JSON');
  });

  it('npm ws 8 with perMessageDeflate answers our client as recorded', async () => {
    const f = trace('our-client-ws-server-permessage-deflate');
    const diffs = await replayLive(f, { host: '127.0.0.1', port: ws.port }, { idleMs: 200 });
    expect(formatDifferences(diffs)).toBe('');
  });

  const hasPython =
    existsSync(DEBIAN_PYTHON) &&
    spawnSync(DEBIAN_PYTHON, ['-c', 'import websockets'], { timeout: 10_000 }).status === 0;
  it.skipIf(!hasPython)(
    'Python websockets answers our client as recorded',
    async () => {
      const py = await startPythonServer();
      try {
        const f = trace('our-client-python-server-permessage-deflate');
        const diffs = await replayLive(f, { host: '127.0.0.1', port: py.port }, { idleMs: 300 });
        expect(formatDifferences(diffs)).toBe('');
      } finally {
        await py.close();
      }
    },
    30_000,
  );
});
