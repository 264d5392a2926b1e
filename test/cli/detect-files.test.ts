// `wscompat detect` on a trace file and on a packet capture (in-process, stdout captured).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as detect } from '../../src/cli/commands/detect.js';
import { parseFixture } from '../../src/replay/fixture-parse.js';
import type { RecordedSegment } from '../../src/replay/recorder.js';
import { conversation, ipPacket, linkFrame, pcapngFile } from '../capture/capture-writer.js';
import { ROOT } from '../replay/corpus-files.js';

const dir = mkdtempSync(join(tmpdir(), 'wscompat-detect-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function output(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await detect(args), stdout };
  } finally {
    spy.mockRestore();
  }
}

const data = (name: string): RecordedSegment[] =>
  parseFixture(readFileSync(join(ROOT, 'fixtures', name), 'utf8')).segments.flatMap((s) =>
    s.kind === 'data' ? [{ dir: s.dir, kind: 'data' as const, bytes: s.bytes }] : [],
  );

describe('detect FILE beyond raw requests', () => {
  it('a trace: judges its client request, not the frames after it', async () => {
    const r = await output([join(ROOT, 'fixtures/hixie-76/h76-1-spec-example.trace'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ draft: 'hixie-76', verdict: 'valid', status: 101 });
    const bad = await output([join(ROOT, 'fixtures/hixie-76/bad-key-no-spaces.trace')]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('HIXIE_KEY_NO_SPACES');
  });

  it('a capture: one report per connection that starts with an HTTP request', async () => {
    const convs = [data('hybi-07/ruby-websocket-client-v7.trace'), data('hixie-76/bad-key-no-spaces.trace')];
    const frames = convs.flatMap((segs, i) =>
      conversation(segs).map((p) => linkFrame(1, ipPacket(p, { clientPort: 43000 + i, v6: true }))),
    );
    const file = join(dir, 'two.pcapng');
    writeFileSync(file, pcapngFile(frames, 1));
    const r = await output([file, '--json']);
    expect(r.code).toBe(2); // the second one is invalid
    const { connections } = JSON.parse(r.stdout) as {
      connections: { stream: number; client: string; draft: string; verdict: string }[];
    };
    expect(connections.map((c) => [c.stream, c.client, c.draft, c.verdict])).toEqual([
      [0, '::1 43000', 'hybi-07', 'valid'],
      [1, '::1 43001', 'hixie-76', 'invalid'],
    ]);
    const human = await output([file]);
    expect(human.stdout).toMatch(
      /^stream 0: ::1 43000 -> ::2 8080 at 2023-11-14T22:13:20\.000Z\ndraft: {4}hybi-07$/m,
    );
  });

  it('a truncated capture is a usage error naming the file', async () => {
    const file = join(dir, 'cut.pcapng');
    const whole = pcapngFile(
      conversation(data('hybi-07/ruby-websocket-client-v7.trace')).map((p) => linkFrame(1, ipPacket(p))),
      1,
    );
    writeFileSync(file, whole.subarray(0, whole.length - 5));
    await expect(detect([file])).rejects.toThrow(`${file}: the capture is truncated`);
  });
});
