// The fixture text format: round trip (fast-check) and strict errors with file:line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_DRAFTS } from '../../src/core/types.js';
import { FixtureSyntaxError, parseFixture } from '../../src/replay/fixture-parse.js';
import {
  type FixtureInput,
  serializeFixture,
  serializeFixtureBytes,
} from '../../src/replay/fixture-write.js';
import { runs } from '../support/fc-runs.js';

const base: FixtureInput = {
  draft: 'rfc6455',
  role: 'server',
  source: 'RFC 6455 §5.7 masked "Hello"',
  notes: ['a note'],
  url: 'ws://example.com/chat',
  protocols: ['chat'],
  origin: 'http://example.com',
  serverProtocols: ['chat'],
  serverDrafts: ['rfc6455', 'hybi-10'],
  rng: Buffer.from('37fa213d', 'hex'),
  app: 'echo',
  sends: [
    { type: 'text', data: Buffer.from('hi') },
    { type: 'close', code: 1000 },
  ],
  expectStatus: 101,
  expectHeaders: [['Sec-WebSocket-Version', '13, 8, 7']],
  expectEvents: [
    { type: 'text', data: Buffer.from('Hello\n"é"') },
    { type: 'ping', data: Buffer.alloc(0) },
    { type: 'close', code: 1000, reason: 'bye' },
    { type: 'fail', fault: 'UNMASKED_FRAME', closeCode: 1002 },
  ],
  varyHeaders: ['Sec-WebSocket-Extensions'],
  stream: 'compare',
  segments: [
    { dir: 'client', kind: 'data', bytes: Buffer.from('GET / HTTP/1.1\r\n\r\n\x00\xff', 'latin1') },
    { dir: 'server', kind: 'data', bytes: Buffer.alloc(40, 0x41) },
    { dir: 'client', kind: 'end' },
  ],
};

function strip(f: ReturnType<typeof parseFixture>) {
  const { file: _file, segments, ...rest } = f;
  return { ...rest, segments: segments.map(({ line: _line, ...s }) => s) };
}

describe('fixture format', () => {
  it('round-trips a full fixture', () => {
    const text = serializeFixture(base);
    expect(text).toContain('  0000  47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|');
    expect(strip(parseFixture(text))).toEqual(base);
  });

  it('round-trips arbitrary segments and randomness', () => {
    const seg = fc.record({
      dir: fc.constantFrom('client' as const, 'server' as const),
      kind: fc.constant('data' as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 70 }).map((b) => Buffer.from(b)),
    });
    fc.assert(
      fc.property(
        fc.array(seg, { maxLength: 6 }),
        fc.uint8Array({ maxLength: 50 }),
        fc.constantFrom(...ALL_DRAFTS),
        fc.string(),
        (segs, rng, draft, text) => {
          const f: FixtureInput = {
            ...base,
            draft,
            rng: Buffer.from(rng),
            segments: [base.segments[0]!, ...segs],
            expectEvents: [{ type: 'text', data: Buffer.from(text.replace(/[\ud800-\udfff]/g, 'x')) }],
          };
          expect(strip(parseFixture(serializeFixture(f)))).toEqual(f);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it('round-trips compression and server-compression (role client); server-compression needs role client', () => {
    const client: FixtureInput = {
      ...base,
      role: 'client',
      compression: { threshold: 64, deflateFrame: true },
      serverCompression: { threshold: 64 },
    };
    const text = serializeFixture(client);
    expect(text).toContain('server-compression: {"threshold":64}\n');
    expect(strip(parseFixture(text))).toEqual(client);
    const asServer = text.replace('role: client', 'role: server');
    expect(() => parseFixture(asServer, 'x.trace')).toThrow(/server-compression is for role client/);
    const bad = text.replace('server-compression: {"threshold":64}', 'server-compression: {"threshold":"x"}');
    expect(() => parseFixture(bad, 'x.trace')).toThrow(
      /server-compression must be a perMessageDeflate object/,
    );
  });

  it('hexdump lines past 64 KiB widen the offset, and every line matches a plain string rendering', () => {
    // The writer fills a byte buffer through lookup tables; this is the format spelled out as strings.
    const reference = (bytes: Buffer) => {
      const lines: string[] = [];
      for (let off = 0; off < bytes.length; off += 16) {
        const chunk = [...bytes.subarray(off, off + 16)];
        const hex = chunk.map((b) => b.toString(16).padStart(2, '0')).join(' ');
        const text = chunk.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
        lines.push(`  ${off.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  |${text}|`);
      }
      return lines;
    };
    const big = Buffer.from(Array.from({ length: 0x10000 + 21 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
    const f: FixtureInput = {
      ...base,
      segments: [
        base.segments[0]!,
        { dir: 'server', kind: 'data', bytes: big },
        { dir: 'server', kind: 'end' },
      ],
    };
    const bytes = serializeFixtureBytes(f);
    const text = serializeFixture(f);
    expect(bytes.toString('utf8')).toBe(text);
    const lines = text.split('\n');
    const at = lines.indexOf(`< server ${big.length} bytes`);
    expect(lines.slice(at + 1, at + 1 + Math.ceil(big.length / 16))).toEqual(reference(big));
    expect(lines[at + 1 + 0x1000]).toMatch(/^ {2}10000 {2}/);
    expect(lines.slice(at + 1 + Math.ceil(big.length / 16))).toEqual(['', '< server end', '']);
    expect(strip(parseFixture(text))).toEqual(f);
  });

  // [name, text to find, replacement, line offset of the reported error from the found line]
  const bad: [string, string, string, number][] = [
    ['wrong magic', '# wscompat trace 1', '# trace', 0],
    ['unknown field', 'app: echo', 'apps: echo', 0],
    ['unknown draft', 'draft: rfc6455', 'draft: hybi-99', 0],
    ['bad printable column', '|GET / HTTP/1.1..|', '|GET / HTTP/1.2..|', 0],
    ['short segment', '> client 20 bytes', '> client 21 bytes', 3],
    ['bad event', 'expect: ping -', 'expect: ping zz', 0],
    ['arrow mismatch', '< server 40 bytes', '> server 40 bytes', 0],
  ];
  for (const [name, find, replacement, delta] of bad) {
    it(`rejects ${name} with file:line`, () => {
      const original = serializeFixture(base);
      const line = original.split('\n').findIndex((l) => l.includes(find)) + 1 + delta;
      const text = original.replace(find, replacement);
      let error: unknown;
      try {
        parseFixture(text, 'x.trace');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FixtureSyntaxError);
      expect((error as FixtureSyntaxError).line).toBe(line);
      expect((error as Error).message.startsWith(`x.trace:${line}: `)).toBe(true);
    });
  }
});
