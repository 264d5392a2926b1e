// Behind a real nginx stream {} block (docs/nginx/stream.conf): hixie-75, which an HTTP proxy breaks,
// goes through at the TCP level to gateways reading nginx's PROXY v1 line (--proxy-protocol).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { LogRecord } from '../../src/gateway/log.js';
import {
  closed,
  closeGateway,
  echoUpstream,
  nextMessage,
  open,
  startGateway,
  type Upstream,
  until,
} from './helpers.js';
import { freePort } from './spawn.js';

const NGINX = '/usr/sbin/nginx';
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const CONF = join(import.meta.dirname, '..', '..', 'docs', 'nginx', 'stream.conf');
const ready = existsSync(NGINX) && existsSync(STREAM_MODULE);
if (!ready) console.warn('skipping nginx stream tests: nginx or libnginx-mod-stream is not installed');

describe.skipIf(!ready)('behind nginx stream {} (docs/nginx/stream.conf)', () => {
  let dir: string;
  let upstream: Upstream;
  const gateways: { gw: Gateway; logs: LogRecord[] }[] = [];
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wscompat-nginx-stream-'));
    upstream = await echoUpstream();
    for (let i = 0; i < 2; i++)
      gateways.push(await startGateway({ upstream: upstream.url, proxyProtocol: true }));
    const port = await freePort();
    const conf = readFileSync(CONF, 'utf8')
      .replace('listen 81;', `listen 127.0.0.1:${port};`)
      .replace('server 127.0.0.1:8091', `server 127.0.0.1:${gateways[0]!.gw.address().port}`)
      .replace('server 127.0.0.1:8092', `server 127.0.0.1:${gateways[1]!.gw.address().port}`)
      // nginx dials from 127.0.0.2: only the PROXY line can tell the gateway the client is 127.0.0.1.
      .replace(
        'proxy_pass wscompat_gateways_tcp;',
        'proxy_pass wscompat_gateways_tcp;\n        proxy_bind 127.0.0.2;',
      );
    expect(conf).toContain(`listen 127.0.0.1:${port};`);
    expect(conf).toContain('proxy_bind 127.0.0.2;');
    writeFileSync(join(dir, 'stream.conf'), conf);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `load_module ${STREAM_MODULE};
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
daemon on;
events { worker_connections 256; }
include ${dir}/stream.conf;
`,
    );
    const start = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'inherit' });
    expect(await new Promise((r) => start.once('exit', r))).toBe(0);
    await until(() => existsSync(join(dir, 'nginx.pid')));
    url = `ws://127.0.0.1:${port}`;
  }, 20_000);

  afterAll(async () => {
    if (dir && existsSync(join(dir, 'nginx.pid'))) {
      const pid = Number(readFileSync(join(dir, 'nginx.pid'), 'utf8').trim());
      process.kill(pid, 'SIGQUIT');
      await until(() => !existsSync(join(dir, 'nginx.pid')), 5000).catch(() => process.kill(pid, 'SIGKILL'));
    }
    for (const { gw } of gateways) await closeGateway(gw);
    await upstream?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const draft of ['hixie-75', 'hixie-76', 'rfc6455'] as const) {
    it(`${draft} through nginx stream -> gateway (PROXY v1) -> upstream`, async () => {
      const conn = await open(`${url}/tcp/${draft}`, draft);
      const reply = nextMessage(conn);
      conn.send(`through stream: ${draft}`);
      expect((await reply).data.toString()).toBe(`through stream: ${draft}`);
      // The gateway's peer is nginx, yet it forwards the client's address from the PROXY line, once.
      expect(upstream.seen.at(-1)!.headers['x-forwarded-for']).toBe('127.0.0.1');
      const done = closed(conn);
      conn.close();
      expect((await done).wasClean).toBe(true);
    });
  }

  it('both gateways took clients, and logged them with their real address', () => {
    const opens = gateways.map(({ logs }) => logs.filter((l) => l.event === 'open'));
    expect(opens.every((o) => o.length > 0)).toBe(true);
    expect(new Set(opens.flat().map((l) => (l as { remote?: string }).remote))).toEqual(
      new Set(['127.0.0.1']),
    );
  });
});
