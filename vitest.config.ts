import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests and examples written as user code import the package by name (tsconfig.json "paths" says the same to tsc).
  resolve: {
    alias: [
      { find: /^wscompat\/ws$/, replacement: fileURLToPath(new URL('./src/ws/index.ts', import.meta.url)) },
      {
        find: /^wscompat\/testing$/,
        replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)),
      },
      { find: /^wscompat$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Type tests (*.test-d.ts): compiled by tsc, so a regressed type fails `vitest run` too.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
