// wscompat/testing from node:test: runs node-test-suite.ts under `node --test` (TAP) and reads the verdicts.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, writeCorruptHelloTrace } from '../replay/corpus-files.js';

const SUITE = join(ROOT, 'test/testing/node-test-suite.ts');

function nodeTest(env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', SUITE],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 90_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

const count = (out: string, re: RegExp) => out.split('\n').filter((l) => re.test(l)).length;

describe('nodeTestReplay under node --test', () => {
  it('passes one test per trace against ws, serve and in-process', { timeout: 90_000 }, async () => {
    const r = await nodeTest({});
    expect(r.out).toMatch(/^# fail 0$/m);
    expect(r.code).toBe(0);
    expect(count(r.out, /^\s+ok \d+ - fixtures\/hybi-10\//)).toBe(18);
    expect(count(r.out, /^\s+ok \d+ - fixtures\/hybi-07\//)).toBe(14);
    expect(count(r.out, /^\s+ok \d+ - fixtures\/hixie-75\//)).toBeGreaterThanOrEqual(8);
  });

  it('a corrupted trace fails its test with the diff', { timeout: 90_000 }, async () => {
    const file = writeCorruptHelloTrace(mkdtempSync(join(tmpdir(), 'wscompat-nodetest-')));
    const r = await nodeTest({ WSCOMPAT_EXTRA_TRACE: file });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/^# fail 1$/m);
    expect(r.out).toMatch(/not ok \d+ - .*corrupt\.trace/);
    expect(r.out).toContain('server stream after the head, byte 0x6');
  });
});
