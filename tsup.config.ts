import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// No source maps in the package: the bundles are unminified ESM/CJS, readable as they are, and a map
// would point into src/, which is not shipped.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', ws: 'src/ws/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    // import.meta.url in CJS output (mask.ts resolves the optional bufferutil from it).
    shims: true,
    target: 'node20',
    // `require('wscompat/ws')` is the WebSocket class, as `require('ws')` is (it carries the other exports).
    footer: ({ format }) =>
      format === 'cjs'
        ? {
            js: 'if (module.exports.default) module.exports = Object.assign(module.exports.default, module.exports);',
          }
        : {},
  },
  {
    // ESM for vitest and node:test, CJS for jest's default (CommonJS) mode: `require('wscompat/testing')`
    // works without --experimental-vm-modules (docs/testing.md).
    entry: { 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    shims: true,
    target: 'node20',
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // `wscompat --version` without reading package.json at run time (chunks land anywhere in dist/).
    define: { __WSCOMPAT_VERSION__: JSON.stringify(version) },
  },
]);
