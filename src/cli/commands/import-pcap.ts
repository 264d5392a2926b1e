// `wscompat import-pcap`: turn a packet capture into fixtures, one per TCP connection (pure TypeScript reader).
import { constants, writeFileSync } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isDraftId } from '../../drafts.js';
import { serializeFixtureBytes } from '../../replay/fixture-write.js';
import { fixtureFromRecording } from '../../replay/from-recording.js';
import { CaptureFormatError, readCapture, type TcpConnection } from '../../replay/pcap.js';
import { parseCommand, UsageFault } from '../args.js';
import { CliFailure, EXIT, fileFailure } from '../failure.js';

const USAGE = `usage: wscompat import-pcap FILE.pcap[ng] --out DIR [--draft D] [--help]

Reads a pcap or pcapng capture in one pass (Ethernet, Linux cooked SLL/SLL2,
loopback/null or raw IP; IPv4 and IPv6; no tshark needed), reassembles every TCP
connection (out-of-order segments, retransmissions) and writes one fixture per
WebSocket connection to DIR/<capture>-<stream>.trace: client and server segments
as captured, draft sniffed from the request (or --draft), the server's status,
and the events wscompat decodes from the client (review them). Connections that
are not a WebSocket handshake, or where the capture lost bytes (a gap), are
skipped with a message (docs/captures.md).

  --out DIR    directory for the fixtures (created if missing)
  --draft D    force the draft instead of sniffing it
  --help       print this help

exit status: 0 at least one fixture written; 2 none, or the capture is truncated or
corrupt (fixtures of connections that closed before the damage are kept); 1 usage
error; 6 the capture cannot be read, or DIR is a file or cannot be written.
`;

/** Fail before reading the capture on what would fail after it: an unreadable capture, an --out that is a file. */
async function checkPaths(file: string, out: string): Promise<void> {
  await access(file, constants.R_OK).catch((err: unknown) => {
    throw fileFailure(err, 'read', file);
  });
  if ((await stat(file)).isDirectory())
    throw new CliFailure(`cannot read ${file}: it is a directory`, EXIT.local);
  const existing = await stat(out).catch(() => undefined);
  if (existing && !existing.isDirectory())
    throw new CliFailure(`--out ${out} is a file; give a directory (it is created if missing)`, EXIT.local);
}

export async function run(argv: string[]): Promise<number> {
  const { values: flags, positionals } = parseCommand(argv, {
    out: { type: 'string' },
    draft: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageFault('give exactly one capture FILE');
  const out = flags.out;
  if (typeof out !== 'string') throw new UsageFault('--out DIR is required');
  const draft = flags.draft;
  if (typeof draft === 'string' && !isDraftId(draft)) throw new UsageFault(`unknown draft ${draft}`);
  await checkPaths(file, out);
  await mkdir(out, { recursive: true }).catch((err: unknown) => {
    throw fileFailure(err, 'create', out);
  });
  const stem = basename(file).replace(/\.(pcapng|pcap|cap)$/, '');
  let written = 0;
  const write = (c: TcpConnection): void => {
    if (!c.pieces.some((p) => p.kind === 'data')) return;
    const i = c.index;
    const lost = c.gaps.map((g) => `${g.length} bytes of the ${g.dir} stream at offset ${g.at}`);
    for (const dir of ['client', 'server'] as const)
      if (c.dropped[dir] > 0) lost.push(`the ${dir} stream beyond 64 MiB (${c.dropped[dir]} bytes)`);
    if (lost.length > 0) {
      process.stderr.write(`stream ${i}: skipped: the capture lacks ${lost.join('; ')}\n`);
      return;
    }
    const fixture = fixtureFromRecording(c.pieces, {
      source: `imported from the capture ${basename(file)} (TCP stream ${i}, ${c.client} -> ${c.server}) by wscompat import-pcap`,
      ...(typeof draft === 'string' && isDraftId(draft) ? { draft } : {}),
    });
    if (typeof fixture === 'string') {
      process.stderr.write(`stream ${i}: skipped: ${fixture}\n`);
      return;
    }
    const target = join(out, `${stem}-${i}.trace`);
    // Synchronous: one small file per connection, and a sync write costs far less CPU than the thread
    // pool's round trip (the import has nothing else to do meanwhile).
    try {
      writeFileSync(target, serializeFixtureBytes(fixture));
    } catch (err) {
      throw fileFailure(err, 'write', target);
    }
    process.stderr.write(`stream ${i}: wrote ${target} (${fixture.draft})\n`);
    written++;
  };
  try {
    await readCapture(file, write);
  } catch (err) {
    if (err instanceof CliFailure) throw err;
    if (!(err instanceof CaptureFormatError)) throw fileFailure(err, 'read', file);
    process.stderr.write(`wscompat import-pcap: ${file}: ${err.message}\n`);
    process.stdout.write(`${written} fixture(s) written\n`);
    return EXIT.failed;
  }
  process.stdout.write(`${written} fixture(s) written\n`);
  return written > 0 ? 0 : 2;
}
