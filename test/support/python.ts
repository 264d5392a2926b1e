// Debian's python3 (not pyenv's on PATH, which lacks Debian's modules) and whether a module imports in it:
// tests of a Python peer skip where `.ci/run` has not installed the package.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';

export function hasPythonModule(name: string): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${name}`], { timeout: 10_000 }).status === 0;
}
