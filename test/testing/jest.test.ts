// wscompat/testing from real jest: bundles the CJS build of src/testing (as tsup ships it), runs
// jest-suite.cjs under jest in a child process, and reads the verdicts and the failure output.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, writeCorruptHelloTrace } from '../replay/corpus-files.js';

const dir = mkdtempSync(join(tmpdir(), 'wscompat-jest-'));
const bundle = join(dir, 'testing/index.cjs');
const JEST = join(ROOT, 'node_modules/jest/bin/jest.js');

function jest(env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const config = {
    rootDir: join(ROOT, 'test/testing'),
    testMatch: ['**/jest-suite.cjs'],
    testEnvironment: 'node',
    transform: {},
    cacheDirectory: join(dir, 'jest-cache'),
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [JEST, '--ci', '--colors=false', '--verbose', '--config', JSON.stringify(config)],
      {
        cwd: ROOT,
        env: { ...process.env, WSCOMPAT_TESTING_CJS: bundle, FORCE_COLOR: '0', ...env },
        timeout: 60_000,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('jestReplay under jest (CommonJS)', () => {
  beforeAll(async () => {
    // The entry as tsup.config.ts builds it for `require('wscompat/testing')`.
    await build({
      entry: { 'testing/index': join(ROOT, 'src/testing/index.ts') },
      format: ['cjs'],
      outDir: dir,
      shims: true,
      target: 'node20',
      config: false,
      silent: true,
    });
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes one test per hybi-10 trace against npm ws', { timeout: 60_000 }, async () => {
    const r = await jest({});
    expect(r.out).toMatch(/Tests: +18 passed, 18 total/);
    expect(r.out).toMatch(/✓ fixtures\/hybi-10\/\S+\.trace/);
    expect(r.code).toBe(0);
  });

  it('a corrupted trace fails its test with the readable diff', { timeout: 60_000 }, async () => {
    const r = await jest({ WSCOMPAT_EXTRA_TRACE: writeCorruptHelloTrace(dir) });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Tests: +1 failed, 18 passed, 19 total/);
    expect(r.out).toMatch(/✕ .*corrupt\.trace/);
    expect(r.out).toContain('TraceMismatch');
    expect(r.out).toContain('server stream after the head, byte 0x6');
    expect(r.out).toMatch(/expected: .*48 65 6c 6c \[6e\]/);
  });
});
