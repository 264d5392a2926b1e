import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', ws: 'src/ws/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
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
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
