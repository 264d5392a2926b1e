// Loads every committed trace under fixtures/ for the replay tests.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * Write to `dir`/corrupt.trace the spec "Hello" trace with the server's echoed frame changed to "Helln"
 * (hex and text alike): a trace no server matches, failing at byte 6 of the stream after the head.
 */
export function writeCorruptHelloTrace(dir: string): string {
  const text = readFileSync(join(FIXTURE_DIR, 'rfc6455/spec-hello-v13.trace'), 'utf8');
  const bad = text.replace(
    '0000  81 05 48 65 6c 6c 6f                             |..Hello|',
    '0000  81 05 48 65 6c 6c 6e                             |..Helln|',
  );
  if (bad === text) throw new Error('the corpus trace changed: update writeCorruptHelloTrace');
  const file = join(dir, 'corrupt.trace');
  writeFileSync(file, bad);
  return file;
}
