// Enforces the layering of docs/architecture: drafts never import each other; the sans-I/O core never does I/O.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');
const DRAFT_DIRS = ['hixie75', 'hixie76', 'hybi07', 'hybi10', 'rfc6455'];
/** Layers that must stay free of sockets, timers, clocks and ambient randomness. */
const SANS_IO = ['core', 'family', 'sniff', 'extensions', 'capture', ...DRAFT_DIRS];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
}

const files = sourceFiles(SRC).map((path) => ({ path, rel: relative(SRC, path) }));

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('no draft imports another draft', () => {
    const offences: string[] = [];
    for (const { path, rel } of files) {
      const own = rel.split('/')[0]!;
      if (!DRAFT_DIRS.includes(own)) continue;
      for (const spec of importsOf(path)) {
        const other = DRAFT_DIRS.find((d) => d !== own && new RegExp(`(^|/)${d}(/|$)`).test(spec));
        if (other) offences.push(`${rel} imports ${spec}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('the sans-I/O layers use no sockets, timers, clocks or Math.random', () => {
    const offences: string[] = [];
    const forbiddenModules = /^node:(net|tls|http|https|dgram|fs|child_process|timers)/;
    const forbiddenCalls =
      /\b(setTimeout|setInterval|setImmediate|Date\.now|new Date|Math\.random|process\.hrtime)\b/;
    for (const { path, rel } of files) {
      if (!SANS_IO.includes(rel.split('/')[0]!)) continue;
      for (const spec of importsOf(path))
        if (forbiddenModules.test(spec)) offences.push(`${rel} imports ${spec}`);
      const code = readFileSync(path, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      const m = forbiddenCalls.exec(code);
      if (m) offences.push(`${rel} uses ${m[1]}`);
    }
    expect(offences).toEqual([]);
  });

  it('only src/drafts.ts imports every draft', () => {
    const importers = files.filter(({ path, rel }) => {
      if (rel === 'drafts.ts' || DRAFT_DIRS.includes(rel.split('/')[0]!)) return false;
      return importsOf(path).filter((s) => DRAFT_DIRS.some((d) => new RegExp(`/${d}/`).test(s))).length > 0;
    });
    // Upper layers reach drafts only through the registry.
    expect(importers.map((f) => f.rel)).toEqual([]);
  });
});
