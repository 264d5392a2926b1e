// A real nginx for tests: started as a daemon from a config in its own directory, stopped gracefully.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from './helpers.js';

export const NGINX = '/usr/sbin/nginx';

/**
 * Write `dir`/nginx.conf (one worker, pid and error log in `dir`, daemon) with `body` (http {} or stream {})
 * after it and `modules` (load_module lines) before it, start nginx, resolve once it runs.
 */
export async function startNginx(dir: string, body: string, modules = ''): Promise<void> {
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${modules}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
daemon on;
events { worker_connections 256; }
${body}`,
  );
  const start = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'inherit' });
  const code = await new Promise((r) => start.once('exit', r));
  if (code !== 0) throw new Error(`nginx exited with ${String(code)}`);
  await until(() => existsSync(join(dir, 'nginx.pid')));
}

/** SIGQUIT (finish and exit), SIGKILL if it is still there after 5 s. */
export async function stopNginx(dir: string | undefined): Promise<void> {
  if (!dir || !existsSync(join(dir, 'nginx.pid'))) return;
  const pid = Number(readFileSync(join(dir, 'nginx.pid'), 'utf8').trim());
  process.kill(pid, 'SIGQUIT');
  await until(() => !existsSync(join(dir, 'nginx.pid')), 5000).catch(() => process.kill(pid, 'SIGKILL'));
}
