// The package version for `wscompat --version`: baked in by tsup (tsup.config.ts), else read from source.
import { readFileSync } from 'node:fs';

declare const __WSCOMPAT_VERSION__: string | undefined;

/** Built: the constant tsup defines. From source (tsx): ../../package.json, two levels above src/cli/. */
export function packageVersion(): string {
  if (typeof __WSCOMPAT_VERSION__ === 'string') return __WSCOMPAT_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
