// Loads every committed trace under fixtures/ for the replay tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Fixture } from '../../src/replay/fixture.js';
import { parseFixture } from '../../src/replay/fixture-parse.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const FIXTURE_DIR = join(ROOT, 'fixtures');

export function loadCorpus(): Fixture[] {
  const out: Fixture[] = [];
  for (const d of readdirSync(FIXTURE_DIR, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const name of readdirSync(join(FIXTURE_DIR, d.name)).sort()) {
      if (!name.endsWith('.trace')) continue;
      const path = join(FIXTURE_DIR, d.name, name);
      out.push(parseFixture(readFileSync(path, 'utf8'), relative(ROOT, path)));
    }
  }
  return out;
}
