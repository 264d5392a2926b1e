// Strict parser for the fixture text format (fixtures/README.md): every error names file:line.

import { type PerMessageDeflateOptions, resolveCompression } from '../node/compression-options.js';
import { type DraftId, type HeaderLine, isDraftIdString, type Role } from './draft-ids.js';
import type { ExpectedEvent, Fixture, ScriptedSend, Segment } from './fixture.js';
import { parseEvent } from './fixture-values.js';
import { MAGIC } from './fixture-write.js';
import { parseHexdumpLine } from './hexdump.js';

export class FixtureSyntaxError extends Error {
  override name = 'FixtureSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

const SINGLE = new Set([
  'draft',
  'role',
  'source',
  'url',
  'origin',
  'server-drafts',
  'app',
  'expect-status',
  'stream',
  'compression',
  'server-compression',
]);
const REPEATED = new Set([
  'note',
  'protocol',
  'server-protocol',
  'rng',
  'send',
  'expect-header',
  'expect',
  'vary-header',
]);

interface Fields {
  single: Map<string, { value: string; line: number }>;
  repeated: Map<string, { value: string; line: number }[]>;
}

function readFields(lines: readonly string[], file: string): { fields: Fields; next: number } {
  const fields: Fields = { single: new Map(), repeated: new Map() };
  let i = 1;
  for (; i < lines.length; i++) {
    const text = lines[i]!;
    if (text === '') break;
    const m = /^([a-z-]+): (.*)$/.exec(text);
    if (!m)
      throw new FixtureSyntaxError(
        file,
        i + 1,
        `expected "key: value", got ${JSON.stringify(text.slice(0, 60))}`,
      );
    const [, key, value] = m as unknown as [string, string, string];
    if (SINGLE.has(key)) {
      if (fields.single.has(key)) throw new FixtureSyntaxError(file, i + 1, `duplicate field ${key}`);
      fields.single.set(key, { value, line: i + 1 });
    } else if (REPEATED.has(key)) {
      const list = fields.repeated.get(key) ?? [];
      list.push({ value, line: i + 1 });
      fields.repeated.set(key, list);
    } else throw new FixtureSyntaxError(file, i + 1, `unknown field ${key}`);
  }
  return { fields, next: i };
}

function readSegments(lines: readonly string[], start: number, file: string): Segment[] {
  const segments: Segment[] = [];
  let i = start;
  while (i < lines.length) {
    const text = lines[i]!;
    if (text === '') {
      i++;
      continue;
    }
    const header = /^([<>]) (client|server) (?:(\d+) bytes|(end))$/.exec(text);
    if (!header)
      throw new FixtureSyntaxError(file, i + 1, `expected a segment header like "> client 12 bytes"`);
    const dir = header[2] as 'client' | 'server';
    if ((header[1] === '>') !== (dir === 'client'))
      throw new FixtureSyntaxError(file, i + 1, `'>' marks client segments and '<' server segments`);
    const line = i + 1;
    i++;
    if (header[4] === 'end') {
      segments.push({ dir, kind: 'end', line });
      continue;
    }
    const length = Number(header[3]);
    const parts: Buffer[] = [];
    let got = 0;
    while (got < length) {
      const row = lines[i];
      if (row === undefined || row === '' || !row.startsWith('  '))
        throw new FixtureSyntaxError(file, i + 1, `segment declared ${length} bytes but holds ${got}`);
      const parsed = parseHexdumpLine(row, got);
      if ('error' in parsed) throw new FixtureSyntaxError(file, i + 1, parsed.error);
      parts.push(parsed.bytes);
      got += parsed.bytes.length;
      i++;
    }
    if (got !== length || length === 0)
      throw new FixtureSyntaxError(file, line, `segment declared ${length} bytes but holds ${got}`);
    segments.push({ dir, kind: 'data', bytes: Buffer.concat(parts), line });
  }
  return segments;
}

function required(f: Fields, key: string, file: string): { value: string; line: number } {
  const v = f.single.get(key);
  if (!v) throw new FixtureSyntaxError(file, 1, `missing field ${key}`);
  return v;
}

function parseEvents(f: Fields, key: 'expect' | 'send', file: string): (ExpectedEvent | ScriptedSend)[] {
  return (f.repeated.get(key) ?? []).map(({ value, line }) => {
    const e = parseEvent(value);
    if (typeof e === 'string') throw new FixtureSyntaxError(file, line, e);
    if (key === 'expect' && e.type === 'close' && (e.code === undefined || e.reason === undefined))
      throw new FixtureSyntaxError(file, line, 'an expected close needs a code and a reason: close 1000 ""');
    if (key === 'send' && e.type === 'fail')
      throw new FixtureSyntaxError(file, line, 'a client cannot send a fail');
    return e;
  });
}

/** `compression: {JSON}` (or `server-compression`), checked with the same rules as the perMessageDeflate option. */
function parseCompression(
  field: { value: string; line: number } | undefined,
  file: string,
  key = 'compression',
): PerMessageDeflateOptions | undefined {
  if (field === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(field.value);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new TypeError('not an object');
    resolveCompression('compression', value as PerMessageDeflateOptions);
    return value as PerMessageDeflateOptions;
  } catch (err) {
    throw new FixtureSyntaxError(
      file,
      field.line,
      `${key} must be a perMessageDeflate object: ${(err as Error).message}`,
    );
  }
}

function draftOf(text: { value: string; line: number }, file: string): DraftId {
  if (!isDraftIdString(text.value))
    throw new FixtureSyntaxError(file, text.line, `unknown draft ${text.value}`);
  return text.value;
}

export function parseFixture(text: string, file = '<fixture>'): Fixture {
  const lines = text.split('\n');
  if (lines[0] !== MAGIC) throw new FixtureSyntaxError(file, 1, `first line must be "${MAGIC}"`);
  if (lines.some((l) => l.endsWith('\r')))
    throw new FixtureSyntaxError(
      file,
      lines.findIndex((l) => l.endsWith('\r')) + 1,
      'CR in fixture text: use LF line ends',
    );
  const { fields: f, next } = readFields(lines, file);
  const role = required(f, 'role', file);
  if (role.value !== 'server' && role.value !== 'client')
    throw new FixtureSyntaxError(file, role.line, `role must be server or client`);
  const app = f.single.get('app') ?? { value: 'echo', line: 1 };
  if (app.value !== 'echo' && app.value !== 'silent')
    throw new FixtureSyntaxError(file, app.line, `app must be echo or silent`);
  const stream = f.single.get('stream') ?? { value: 'compare', line: 1 };
  if (stream.value !== 'compare' && stream.value !== 'ignore')
    throw new FixtureSyntaxError(file, stream.line, 'stream must be compare or ignore');
  if (stream.value === 'ignore' && !f.repeated.has('note'))
    throw new FixtureSyntaxError(file, stream.line, 'stream: ignore needs a note saying why');
  const status = required(f, 'expect-status', file);
  if (!/^[1-5]\d\d$/.test(status.value))
    throw new FixtureSyntaxError(file, status.line, 'expect-status must be an HTTP status');
  const rngParts = (f.repeated.get('rng') ?? []).map(({ value, line }) => {
    if (!/^([0-9a-f]{2})+$/.test(value))
      throw new FixtureSyntaxError(file, line, 'rng must be lower-case hex');
    return Buffer.from(value, 'hex');
  });
  const expectHeaders: HeaderLine[] = (f.repeated.get('expect-header') ?? []).map(({ value, line }) => {
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+): (.*)$/.exec(value);
    if (!m) throw new FixtureSyntaxError(file, line, 'expect-header must read "Name: value"');
    return [m[1]!, m[2]!] as const;
  });
  const serverDrafts = f.single.get('server-drafts');
  const source = required(f, 'source', file);
  if (source.value.trim() === '')
    throw new FixtureSyntaxError(file, source.line, 'source must say where the trace came from');
  const compression = parseCompression(f.single.get('compression'), file);
  const serverCompression = parseCompression(f.single.get('server-compression'), file, 'server-compression');
  const serverCompressionLine = f.single.get('server-compression')?.line;
  if (serverCompressionLine !== undefined && role.value !== 'client')
    throw new FixtureSyntaxError(
      file,
      serverCompressionLine,
      'server-compression is for role client (role server: compression)',
    );
  const segments = readSegments(lines, next, file);
  if (!segments.some((s) => s.kind === 'data' && s.dir === 'client'))
    throw new FixtureSyntaxError(file, next + 1, 'a trace needs at least one client segment');
  return {
    draft: draftOf(required(f, 'draft', file), file),
    role: role.value as Role,
    source: source.value,
    notes: (f.repeated.get('note') ?? []).map((n) => n.value),
    url: f.single.get('url')?.value,
    protocols: (f.repeated.get('protocol') ?? []).map((n) => n.value),
    origin: f.single.get('origin')?.value,
    serverProtocols: (f.repeated.get('server-protocol') ?? []).map((n) => n.value),
    serverDrafts: serverDrafts?.value
      .split(' ')
      .map((d) => draftOf({ value: d, line: serverDrafts.line }, file)),
    rng: Buffer.concat(rngParts),
    app: app.value,
    sends: parseEvents(f, 'send', file) as ScriptedSend[],
    expectStatus: Number(status.value),
    expectHeaders,
    expectEvents: parseEvents(f, 'expect', file) as ExpectedEvent[],
    varyHeaders: (f.repeated.get('vary-header') ?? []).map((n) => n.value),
    stream: stream.value,
    ...(compression ? { compression } : {}),
    ...(serverCompression ? { serverCompression } : {}),
    segments,
    file,
  };
}
