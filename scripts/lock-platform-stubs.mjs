// Completes package-lock.json with the other platforms' optional packages (esbuild, rollup, biome binaries).
// Why: the registry mirror this project is built with answers 404 for packages of platforms it does not
// serve, so `npm install` leaves them out of the lock and `npm ci` then rejects the lock as out of sync.
// Each stub carries the os/cpu/libc read from the package name, so npm skips it on every other platform
// without fetching anything. Run after any `npm install` that changes dependencies.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const OS = [
  'aix',
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
];
const CPU = ['arm64', 'arm', 'ia32', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'x64'];

/** os/cpu/libc from names like @esbuild/darwin-arm64, @rollup/rollup-linux-x64-musl, @biomejs/cli-win32-x64. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.includes('arm') ? 'arm' : undefined);
  if (!os || !cpu) return undefined;
  const libc = parts.includes('musl')
    ? ['musl']
    : os === 'linux' && parts.includes('gnu')
      ? ['glibc']
      : undefined;
  return { os: [os === 'openharmony' ? 'openharmony' : os], cpu: [cpu], ...(libc ? { libc } : {}) };
}

let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${path ? `${path}/` : ''}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (lock.packages[key] || lock.packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    lock.packages[hoisted] = { version, dev: entry.dev ?? undefined, optional: true, ...platform };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
lock.packages = sorted;
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-stubs: added ${added} platform stubs`);
