// `wscompat serve` end to end: spawned CLI (listening line, echo per draft, demo page, SIGTERM) and flag parsing.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageFault } from '../../src/cli/args.js';
import { parseServeArgs, run, startServe } from '../../src/cli/commands/serve.js';
import type { DraftId } from '../../src/core/types.js';
import { connect } from '../../src/node/client.js';
import { once } from '../node/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Spawns the CLI and resolves with the ws:// URL it prints. */
function spawnServe(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += String(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += String(d);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 20_000);
    const check = (): void => {
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve({ child, url: m[1]!, output: () => out });
    };
    child.stdout?.on('data', check);
    child.once('exit', () => reject(new Error(`exited early: ${out}`)));
  });
}

async function echo(url: string, draft: DraftId, data: string | Buffer): Promise<[string, boolean]> {
  const conn = connect(url, { draft });
  await once(conn, 'open');
  const reply = once<[Buffer, boolean]>(conn, 'message');
  conn.send(data);
  const [got, isBinary] = await reply;
  conn.close();
  await once(conn, 'close');
  return [isBinary ? got.toString('hex') : String(got), isBinary];
}

describe('wscompat serve (spawned)', () => {
  it('prints its URL, echoes every draft at any path, serves the demo page, exits 0 on SIGTERM', {
    timeout: 40_000,
  }, async () => {
    const { child, url, output } = await spawnServe(['--port', '0', '--max-payload', '1000']);
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    for (const draft of ['rfc6455', 'hybi-10', 'hybi-07', 'hixie-76', 'hixie-75'] as const)
      expect(await echo(`${url}any/path?x=1`, draft, `hi ${draft}`)).toEqual([`hi ${draft}`, false]);
    expect(await echo(url, 'rfc6455', Buffer.from([1, 2]))).toEqual(['0102', true]);
    // --max-payload applies: a larger message fails the connection with 1009.
    const big = connect(url);
    await once(big, 'open');
    const closed = once<[number]>(big, 'close');
    big.send('x'.repeat(2000));
    expect((await closed)[0]).toBe(1009);
    const page = await fetch(url.replace(/^ws/, 'http'));
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/new WebSocket\(/);
    expect((await fetch(`${url.replace(/^ws/, 'http')}nope`)).status).toBe(404);
    const exited = once<[number | null]>(child, 'exit', 15_000);
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
    expect(output()).toMatch(/closing/);
  });

  it('logs one line per connection with draft, path and origin', { timeout: 40_000 }, async () => {
    const { url, output } = await spawnServe(['--port', '0']);
    const conn = connect(`${url}chat/room?x=1`, { draft: 'hybi-07', origin: 'http://tv.example' });
    await once(conn, 'open');
    conn.terminate();
    await echo(url, 'hixie-76', 'x');
    await vi.waitFor(() => expect(output()).toMatch(/connection hixie-76/), { timeout: 5000 });
    const lines = output()
      .split('\n')
      .filter((l) => l.startsWith('connection '));
    expect(lines).toEqual([
      'connection hybi-07 path=/chat/room?x=1 origin="http://tv.example" from=127.0.0.1',
      expect.stringMatching(/^connection hixie-76 path=\/ origin=\S+ from=127\.0\.0\.1$/),
    ]);
  });

  it('--drafts limits what is accepted; --quiet logs no connection', { timeout: 40_000 }, async () => {
    const { url, output } = await spawnServe(['--port', '0', '--drafts', 'hixie-76,rfc6455', '--quiet']);
    expect(await echo(url, 'hixie-76', 'old')).toEqual(['old', false]);
    expect(output()).not.toMatch(/connection /);
    const refused = connect(url, { draft: 'hybi-07' });
    const [err] = await once<[{ status?: number }]>(refused, 'error');
    expect(err.status).toBe(426);
  });
});

describe('wscompat serve subprotocols (in-process)', () => {
  it('agrees to the first offer by default, and only to listed ones with --protocols', async () => {
    const open = async (argv: string[], offer: string[]): Promise<[string, () => Promise<void>]> => {
      const settings = parseServeArgs(['--port', '0', ...argv]);
      if (settings === 'help') throw new Error('unexpected help');
      const { server, url } = await startServe(settings);
      const conn = connect(url, { protocols: offer });
      await once(conn, 'open');
      return [
        conn.protocol,
        () =>
          new Promise<void>((done) => {
            conn.terminate();
            server.close(() => done());
          }),
      ];
    };
    const [first, stop1] = await open([], ['chat', 'superchat']);
    expect(first).toBe('chat');
    await stop1();
    const [listed, stop2] = await open(['--protocols', 'superchat'], ['chat', 'superchat']);
    expect(listed).toBe('superchat');
    await stop2();
    const [none, stop3] = await open(['--protocols', 'mqtt'], ['chat']);
    expect(none).toBe('');
    await stop3();
  });
});

describe('serve flags', () => {
  it('parses defaults and values', () => {
    expect(parseServeArgs([], {})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      drafts: ['rfc6455', 'hybi-10', 'hybi-07', 'hixie-76', 'hixie-75'],
      maxPayload: undefined,
      protocols: undefined,
      tls: undefined,
      quiet: false,
    });
    expect(
      parseServeArgs(
        ['--port=0', '--host', '::1', '--drafts', 'hixie-75', '--max-payload', '10', '--quiet'],
        {},
      ),
    ).toEqual({
      port: 0,
      host: '::1',
      drafts: ['hixie-75'],
      maxPayload: 10,
      protocols: undefined,
      tls: undefined,
      quiet: true,
    });
    expect(parseServeArgs(['--protocols', 'chat, superchat'], {})).toMatchObject({
      protocols: ['chat', 'superchat'],
    });
    expect(parseServeArgs(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'], {})).toMatchObject({
      tls: { cert: 'c.pem', key: 'k.pem' },
    });
    expect(parseServeArgs(['--help'])).toBe('help');
  });

  it('takes PORT from the environment; --port wins over it', () => {
    expect(parseServeArgs([], { PORT: '3000' })).toMatchObject({ port: 3000 });
    expect(parseServeArgs(['--port', '0'], { PORT: '3000' })).toMatchObject({ port: 0 });
    expect(parseServeArgs([], { PORT: '' })).toMatchObject({ port: 8080 });
    expect(() => parseServeArgs([], { PORT: 'http' })).toThrowError(/PORT/);
  });

  it.each([
    [['--port', '70000']],
    [['--drafts', 'hybi-13']],
    [['--max-payload', '0']],
    [['--bogus']],
    [['extra']],
    [['--tls-cert', 'c.pem']],
    [['--quiet=yes']],
  ])('%o is a usage error', (argv) => {
    expect(() => parseServeArgs(argv, {})).toThrowError(UsageFault);
  });

  it('--help prints usage and returns 0', async () => {
    const write = process.stdout.write.bind(process.stdout);
    let printed = '';
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await run(['--help'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(printed).toMatch(/--max-payload/);
  });
});
