// Fuzzing from fixtures: seeded variants of a role-server trace (re-cut segments, header case and order,
// flipped frame bytes) whose expectations are what the in-process implementation does with them.
import { parseRequestHead } from '../core/http-head.js';
import { seededRng } from '../core/rng.js';
import type { Fixture, Segment } from './fixture.js';
import { streamOf } from './fixture.js';
import { playServer } from './play-server.js';

export type MutationKind = 'split' | 'header-case' | 'header-order' | 'byte-flip';
const KINDS: readonly MutationKind[] = ['split', 'header-case', 'header-order', 'byte-flip'];

export interface Variant {
  readonly kind: MutationKind;
  readonly label: string;
  readonly fixture: Fixture;
  /** The in-process implementation threw on these bytes: a finding in itself. */
  readonly crash?: string;
}

/** Most variants per trace: each is a full replay. */
export const MAX_MUTATIONS = 1000;

type Rand = (below: number) => number;

function randOf(seed: number): Rand {
  const rng = seededRng(seed);
  return (below) => {
    if (below <= 1) return 0;
    const b = rng(4);
    return ((b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0) % below;
  };
}

/** A stable seed per file, so one trace's variants do not depend on which other traces run. */
function hashOf(text: string, seed: number): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** The client stream cut at 1-6 random points (the bytes themselves unchanged). */
function resplit(client: Buffer, rand: Rand): Buffer[] {
  const cuts = new Set<number>();
  const n = 1 + rand(6);
  for (let i = 0; i < n && client.length > 1; i++) cuts.add(1 + rand(client.length - 1));
  const points = [0, ...[...cuts].sort((a, b) => a - b), client.length];
  return points.slice(1).map((end, i) => client.subarray(points[i]!, end));
}

/** Rewrite the request head's header lines: names in random case, or lines in random order. */
function rewriteHead(client: Buffer, kind: 'header-case' | 'header-order', rand: Rand): Buffer | undefined {
  const parsed = parseRequestHead(client);
  if (parsed.kind !== 'head') return undefined;
  const text = client.toString('latin1', 0, parsed.consumed);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.slice(0, -eol.length * 2).split(eol);
  const [start, ...headers] = lines;
  if (headers.length === 0) return undefined;
  let out = headers;
  if (kind === 'header-case')
    out = headers.map((line) => {
      const colon = line.indexOf(':');
      const name = [...line.slice(0, colon)]
        .map((ch) => (rand(2) ? ch.toUpperCase() : ch.toLowerCase()))
        .join('');
      return name + line.slice(colon);
    });
  else
    for (let i = out.length - 1; i > 0; i--) {
      const j = rand(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
  const head = Buffer.from(`${[start, ...out].join(eol)}${eol}${eol}`, 'latin1');
  return Buffer.concat([head, client.subarray(parsed.consumed)]);
}

/** One byte after the head (the frames, or hixie-76's key3) XORed with a random non-zero value. */
function flipAfterHead(client: Buffer, rand: Rand): Buffer | undefined {
  const parsed = parseRequestHead(client);
  if (parsed.kind !== 'head' || client.length <= parsed.consumed) return undefined;
  const out = Buffer.from(client);
  const at = parsed.consumed + rand(client.length - parsed.consumed);
  out[at] = out[at]! ^ (1 + rand(255));
  return out;
}

/** The variant as a fixture: client bytes replaced, the server side and expectations from our implementation. */
function asFixture(f: Fixture, chunks: Buffer[], kind: MutationKind, index: number): Variant | undefined {
  const ended = f.segments.some((s) => s.dir === 'client' && s.kind === 'end');
  const base: Fixture = { ...f, file: `${f.file}#${index}` };
  const label = `${f.file} mutant ${index} (${kind})`;
  let outcome: ReturnType<typeof playServer>;
  try {
    outcome = playServer(base, chunks, ended);
  } catch (err) {
    return { kind, label, fixture: base, crash: err instanceof Error ? err.message : String(err) };
  }
  if (outcome.status === undefined) return undefined;
  const segments: Segment[] = chunks.map((bytes) => ({ dir: 'client', kind: 'data', bytes, line: 0 }));
  if (ended) segments.push({ dir: 'client', kind: 'end', line: 0 });
  if (outcome.output.length > 0)
    segments.push({ dir: 'server', kind: 'data', bytes: outcome.output, line: 0 });
  const fixture: Fixture = { ...base, segments, expectStatus: outcome.status, expectEvents: outcome.events };
  return { kind, label, fixture };
}

/**
 * `count` variants of `f`, kinds in rotation, all from `seed`. Role-client traces and traces whose peer
 * deviates on purpose (`stream: ignore`) have none: there the implementation is not the reference.
 */
export function mutateFixture(f: Fixture, count: number, seed = 1): Variant[] {
  if (f.role !== 'server' || f.stream !== 'compare') return [];
  const rand = randOf(hashOf(f.file, seed));
  const client = streamOf(f, 'client');
  const out: Variant[] = [];
  for (let i = 1; i <= count; i++) {
    const kind = KINDS[(i - 1) % KINDS.length]!;
    let bytes: Buffer | undefined = client;
    if (kind === 'header-case' || kind === 'header-order') bytes = rewriteHead(client, kind, rand);
    else if (kind === 'byte-flip') bytes = flipAfterHead(client, rand);
    // A trace without frames, or without a parsable head, has no variant of this kind: re-cut it instead.
    const variant = asFixture(f, resplit(bytes ?? client, rand), bytes ? kind : 'split', i);
    if (variant) out.push(variant);
  }
  return out;
}
