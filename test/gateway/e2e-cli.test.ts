// The `wscompat gateway` command as a spawned process: JSON-lines logs, config errors, SIGTERM drains.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closed, echoUpstream, nextMessage, open } from './helpers.js';
import { listeningPort, spawnGateway } from './spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'wscompat-gw-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wscompat gateway (process)', () => {
  it('serves clients from a config file, logs JSON lines, and drains on SIGTERM', async () => {
    const up = await echoUpstream();
    const config = join(dir, 'gw.json');
    writeFileSync(config, JSON.stringify({ listen: '127.0.0.1:0', upstream: up.url, shutdownTimeout: '5s' }));
    const { child, lines } = spawnGateway(['--config', config, '--binary-to-legacy', 'drop']);
    const port = await listeningPort(lines, child);
    const url = `ws://127.0.0.1:${port}`;
    const modern = await open(`${url}/a`, 'rfc6455');
    const legacy = await open(`${url}/b`, 'hixie-76');
    const reply = nextMessage(legacy);
    legacy.send('hi');
    expect((await reply).data.toString()).toBe('hi');
    const modernClosed = closed(modern);
    const legacyClosed = closed(legacy);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(await modernClosed).toMatchObject({ code: 1001, wasClean: true });
    expect((await legacyClosed).wasClean).toBe(true);
    const [code] = await exited;
    expect(code).toBe(0);
    const opens = lines.filter((l) => l.event === 'open');
    expect(opens.map((l) => l.draft).sort()).toEqual(['hixie-76', 'rfc6455']);
    expect(lines.some((l) => l.event === 'shutdown')).toBe(true);
    expect(lines.filter((l) => l.event === 'close')).toHaveLength(2);
    await up.close();
  }, 20_000);

  it('exits 1 with a clear message on a bad flag or config', async () => {
    const bad = spawnGateway(['--listen', '127.0.0.1:0', '--upstream', 'http://x']);
    const [code] = await once(bad.child, 'exit');
    expect(code).toBe(1);
    expect(bad.stderr()).toMatch(/upstream/);
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ listen: ':0', upstream: 'ws://x', highWaterMark: 'lots' }));
    const bad2 = spawnGateway(['--config', config]);
    const [code2] = await once(bad2.child, 'exit');
    expect(code2).toBe(1);
    expect(bad2.stderr()).toMatch(/highWaterMark/);
  }, 20_000);
});
