// Serializes a Fixture to the reviewable text format of fixtures/README.md.
import type { Fixture } from './fixture.js';
import { formatEvent } from './fixture-values.js';
import { hexdumpInto, hexdumpSize } from './hexdump.js';

export const MAGIC = '# wscompat trace 1';

/** The fields a writer needs: everything but where it was read from. */
export type FixtureInput = Omit<Fixture, 'file' | 'segments'> & {
  readonly segments: readonly (
    | { readonly dir: 'client' | 'server'; readonly kind: 'data'; readonly bytes: Buffer }
    | { readonly dir: 'client' | 'server'; readonly kind: 'end' }
  )[];
};

function oneLine(value: string, key: string): string {
  if (/[\r\n]/.test(value)) throw new TypeError(`fixture ${key} must be one line`);
  return value;
}

/** The fixture file's bytes: header lines as text, segments written straight into one buffer. */
export function serializeFixtureBytes(f: FixtureInput): Buffer {
  const head = Buffer.from(`${headerLines(f).join('\n')}\n`, 'utf8');
  let size = head.length;
  for (const s of f.segments) {
    size += 1 + Buffer.byteLength(segmentTitle(s), 'latin1') + 1;
    if (s.kind === 'data' && s.bytes.length > 0) size += hexdumpSize(s.bytes.length) + 1;
  }
  const out = Buffer.allocUnsafe(size);
  let p = head.copy(out, 0);
  for (const s of f.segments) {
    // A blank line, the segment's title line, then its hexdump lines.
    out[p++] = 0x0a;
    p += out.write(segmentTitle(s), p, 'latin1');
    out[p++] = 0x0a;
    if (s.kind === 'data' && s.bytes.length > 0) {
      p = hexdumpInto(s.bytes, out, p);
      out[p++] = 0x0a;
    }
  }
  if (p !== size) throw new Error(`internal error: fixture of ${p} bytes in a buffer of ${size}`);
  return out;
}

export function serializeFixture(f: FixtureInput): string {
  return serializeFixtureBytes(f).toString('utf8');
}

function segmentTitle(s: FixtureInput['segments'][number]): string {
  const arrow = s.dir === 'client' ? '>' : '<';
  return s.kind === 'end' ? `${arrow} ${s.dir} end` : `${arrow} ${s.dir} ${s.bytes.length} bytes`;
}

function headerLines(f: FixtureInput): string[] {
  const out: string[] = [MAGIC];
  const put = (key: string, value: string) => out.push(`${key}: ${oneLine(value, key)}`);
  put('draft', f.draft);
  put('role', f.role);
  put('source', f.source);
  for (const n of f.notes) put('note', n);
  if (f.url !== undefined) put('url', f.url);
  for (const p of f.protocols) put('protocol', p);
  if (f.origin !== undefined) put('origin', f.origin);
  for (const p of f.serverProtocols) put('server-protocol', p);
  if (f.serverDrafts !== undefined) put('server-drafts', f.serverDrafts.join(' '));
  for (let i = 0; i < f.rng.length; i += 32) put('rng', f.rng.subarray(i, i + 32).toString('hex'));
  put('app', f.app);
  for (const s of f.sends) put('send', formatEvent(s));
  put('expect-status', String(f.expectStatus));
  for (const [name, value] of f.expectHeaders) put('expect-header', `${name}: ${value}`);
  for (const e of f.expectEvents) put('expect', formatEvent(e));
  for (const h of f.varyHeaders) put('vary-header', h);
  if (f.stream !== 'compare') put('stream', f.stream);
  if (f.compression !== undefined) put('compression', JSON.stringify(f.compression));
  if (f.serverCompression !== undefined) put('server-compression', JSON.stringify(f.serverCompression));
  return out;
}
