// `wscompat detect` end to end: spawned through tsx on one capture per draft, bad requests and usage errors.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPTURES } from '../sniff/requests.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'wscompat-detect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI with a hard deadline so a hung read can never hang the suite. */
function detect(args: string[], stdin?: Buffer): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', 'detect', ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`detect ${args.join(' ')} timed out`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? Buffer.alloc(0));
  });
}

function file(name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const lines = (...l: string[]) => `${l.join('\r\n')}\r\n\r\n`;
const V13 = ['Host: h', 'Upgrade: websocket', 'Connection: Upgrade', 'Origin: http://o'];

describe('wscompat detect', () => {
  // One capture per draft, the first of each in the table.
  const perDraft = [...new Map(CAPTURES.map((c) => [c.draft, c] as const)).values()].reverse();
  for (const c of perDraft) {
    it(`${c.name}: exit 0, --json says ${c.draft}, valid, 101`, async () => {
      const r = await detect([file(`${c.draft}.req`, c.bytes), '--json']);
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout);
      // `extensions` only when the capture offers one (Firefox and Chromium offer permessage-deflate).
      const tail = json.extensions === undefined ? [] : ['extensions'];
      expect(Object.keys(json)).toEqual(['draft', 'verdict', 'evidence', 'problems', 'status', ...tail]);
      if (json.extensions)
        expect(json.extensions.accepted).toMatch(/^permessage-deflate|^x-webkit-deflate-frame/);
      expect(json).toMatchObject({ draft: c.draft, verdict: 'valid', status: 101 });
      expect(json.evidence.length).toBeGreaterThan(0);
      expect(json.problems.filter((p: { severity: string }) => p.severity === 'error')).toEqual([]);
    });
  }

  it('reads standard input with "-", LF line ends, human output', async () => {
    const spec = CAPTURES.find((c) => c.draft === 'hixie-76')!;
    const lf = Buffer.from(spec.bytes.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
    const r = await detect(['-'], lf);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^draft: +hixie-76$/m);
    expect(r.stdout).toMatch(/^verdict: +valid$/m);
    expect(r.stdout).toContain('Sec-WebSocket-Key1 present');
  });

  const bad: ReadonlyArray<readonly [string, string, Record<string, unknown>, string | undefined]> = [
    [
      'hybi-05',
      lines(
        'GET / HTTP/1.1',
        ...V13,
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 5',
      ),
      { draft: null, verdict: 'rejected', status: 426 },
      'VERSION_UNSUPPORTED',
    ],
    [
      'bad key',
      lines('GET / HTTP/1.1', ...V13, 'Sec-WebSocket-Key: YQ==', 'Sec-WebSocket-Version: 13'),
      { draft: 'rfc6455', verdict: 'invalid', status: 400 },
      'KEY_INVALID',
    ],
    [
      'hixie-76 without Key2',
      lines(
        'GET / HTTP/1.1',
        'Host: h',
        'Upgrade: WebSocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key1: 1 2',
      ),
      { draft: 'hixie-76', verdict: 'rejected', status: 400 },
      'HIXIE_KEY_MISSING',
    ],
    [
      'plain HTTP',
      lines('GET /index.html HTTP/1.1', 'Host: h'),
      { draft: null, verdict: 'not-websocket' },
      'NOT_WEBSOCKET',
    ],
    ['not HTTP', 'hello\r\n\r\n', { draft: null, verdict: 'malformed' }, 'MALFORMED_HEAD'],
    ['empty', '', { draft: null, verdict: 'malformed' }, 'MALFORMED_HEAD'],
  ];
  for (const [name, bytes, expected, code] of bad) {
    it(`${name}: exit 2, --json ${JSON.stringify(expected)}`, async () => {
      const r = await detect(['--json', file(`${name.replaceAll(' ', '-')}.req`, bytes)]);
      expect(r.code).toBe(2);
      const json = JSON.parse(r.stdout);
      expect(json).toMatchObject(expected);
      if (!('status' in expected)) expect(json).not.toHaveProperty('status');
      expect(json.problems.map((p: { code: string }) => p.code)).toContain(code);
    });
  }

  it('a capture cut before the blank line is still read, with a warning', async () => {
    const r = await detect(
      [
        '--json',
        file('cut.req', 'GET / HTTP/1.1\nHost: h\nUpgrade: WebSocket\nConnection: Upgrade\nOrigin: o'),
      ],
      undefined,
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ draft: 'hixie-75', verdict: 'valid' });
    expect(json.problems).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'HEAD_UNTERMINATED' }),
    ]);
  });

  it('--help prints usage and exits 0', async () => {
    const r = await detect(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: wscompat detect');
  });

  // Three CLI processes at once through npx tsx: well past the default timeout on a loaded machine.
  it('usage errors exit 1: unknown flag, unreadable file, two files', { timeout: 90_000 }, async () => {
    const results = await Promise.all([
      detect(['--bogus']),
      detect([join(dir, 'does-not-exist.req')]),
      detect([file('a.req', 'x'), file('b.req', 'y')]),
    ]);
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('wscompat detect:');
    }
  });
});
