// Behind a real nginx started with docs/nginx/gateway.conf: hixie-76 and RFC 6455 clients through
// nginx -> gateway (two processes' worth, in-process) -> npm ws upstream.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { HandshakeError } from '../../src/node/client.js';
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
const CONF = join(import.meta.dirname, '..', '..', 'docs', 'nginx', 'gateway.conf');
const haveNginx = existsSync(NGINX);
if (!haveNginx) console.warn(`skipping nginx tests: ${NGINX} is not installed`);

describe.skipIf(!haveNginx)('behind nginx (docs/nginx/gateway.conf)', () => {
  let dir: string;
  let upstream: Upstream;
  let gateways: Gateway[] = [];
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wscompat-nginx-'));
    upstream = await echoUpstream();
    gateways = [];
    for (let i = 0; i < 2; i++)
      gateways.push((await startGateway({ upstream: upstream.url, trustProxy: true })).gw);
    const port = await freePort();
    // The documented file, unchanged except for the addresses this test got from the OS.
    const conf = readFileSync(CONF, 'utf8')
      .replace('listen 80;', `listen 127.0.0.1:${port};`)
      .replace('server 127.0.0.1:8081', `server 127.0.0.1:${gateways[0]!.address().port}`)
      .replace('server 127.0.0.1:8082', `server 127.0.0.1:${gateways[1]!.address().port}`);
    expect(conf).toContain(`listen 127.0.0.1:${port};`);
    writeFileSync(join(dir, 'gateway.conf'), conf);
    for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, t));
    writeFileSync(
      join(dir, 'nginx.conf'),
      `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
daemon on;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/gateway.conf;
}
`,
    );
    const start = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'inherit' });
    const code = await new Promise((r) => start.once('exit', r));
    expect(code).toBe(0);
    await until(() => existsSync(join(dir, 'nginx.pid')));
    url = `ws://127.0.0.1:${port}`;
  }, 20_000);

  afterAll(async () => {
    if (dir && existsSync(join(dir, 'nginx.pid'))) {
      const pid = Number(readFileSync(join(dir, 'nginx.pid'), 'utf8').trim());
      process.kill(pid, 'SIGQUIT');
      await until(() => !existsSync(join(dir, 'nginx.pid')), 5000).catch(() => process.kill(pid, 'SIGKILL'));
    }
    for (const g of gateways) await closeGateway(g);
    await upstream?.close();
    if (dir && !process.env.KEEP_NGINX_DIR) rmSync(dir, { recursive: true, force: true });
  });

  for (const draft of ['hixie-76', 'hybi-10', 'rfc6455'] as const) {
    it(`${draft} client through nginx -> gateway -> upstream`, async () => {
      const conn = await open(`${url}/via-nginx/${draft}?q=1`, draft, { origin: 'http://tv.example' });
      const reply = nextMessage(conn);
      conn.send(`through nginx: ${draft}`);
      expect((await reply).data.toString()).toBe(`through nginx: ${draft}`);
      const seen = upstream.seen.at(-1)!;
      expect(seen.path).toBe(`/via-nginx/${draft}?q=1`);
      // nginx's $proxy_add_x_forwarded_for, then the gateway's hop.
      expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1, 127.0.0.1');
      expect(seen.headers.origin).toBe('http://tv.example');
      const done = closed(conn);
      conn.close();
      expect((await done).wasClean).toBe(true);
    });
  }

  it('hixie-75 cannot pass nginx in HTTP mode: nginx inserts headers into the fixed 85-byte prefix', async () => {
    // Hixie-75 clients compare the first 85 bytes of the response exactly (docs/gateway.md "hixie-75 and
    // proxies"); nginx adds Server and Date right after the status line. The gateway itself is fine:
    const direct = await open(`ws://127.0.0.1:${gateways[0]!.address().port}/direct`, 'hixie-75');
    direct.close();
    await closed(direct);
    await expect(open(`${url}/via-nginx/hixie-75`, 'hixie-75')).rejects.toBeInstanceOf(HandshakeError);
  });

  it('spreads clients over both gateway processes', async () => {
    const conns = [];
    for (let i = 0; i < 4; i++) conns.push(await open(`${url}/spread`, 'rfc6455'));
    expect(gateways.every((g) => g.connections > 0)).toBe(true);
    for (const c of conns) {
      const done = closed(c);
      c.close();
      await done;
    }
  });
});
