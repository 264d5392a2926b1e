// `wscompat record`: a recording TCP proxy between a real client and a real server, writing fixtures.
import { writeFile } from 'node:fs/promises';
import { isDraftId } from '../../drafts.js';
import { serializeFixture } from '../../replay/fixture-write.js';
import { fixtureFromRecording } from '../../replay/from-recording.js';
import { startRecorder } from '../../replay/recorder.js';
import { parseArgs, parsePort, UsageFault } from '../args.js';

const USAGE = `usage: wscompat record --listen PORT --upstream HOST:PORT --out FILE [options]

Listens on 127.0.0.1:PORT and forwards every connection to HOST:PORT, keeping each
TCP segment as it passes (boundaries and order). When a connection ends, writes a
fixture (fixtures/README.md): the draft is sniffed from the request unless --draft
is given, the expected status is the server's, and the expected events are what
wscompat decodes from the client's bytes (review them before committing).

  --listen PORT      port to listen on (0 picks one; the port is printed)
  --upstream H:P     the real server
  --out FILE         fixture to write; with --count N > 1, FILE-1, FILE-2, ...
  --draft D          rfc6455, hybi-10, hybi-07, hixie-76 or hixie-75
  --source TEXT      where the trace comes from (default: the client and server named by the user)
  --count N          connections to record before exiting (default 1)
  --help             print this help

exit status: 0 every connection recorded; 2 a connection could not become a fixture; 1 usage error.
`;

export async function run(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, {
    listen: { type: 'string' },
    upstream: { type: 'string' },
    out: { type: 'string' },
    draft: { type: 'string' },
    source: { type: 'string' },
    count: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { listen, upstream, out, draft, source, count } = flags as Record<string, string | undefined>;
  if (listen === undefined || upstream === undefined || out === undefined)
    throw new UsageFault('--listen, --upstream and --out are required');
  const m = /^(.+):(\d+)$/.exec(upstream);
  if (!m) throw new UsageFault('--upstream must be HOST:PORT');
  if (draft !== undefined && !isDraftId(draft)) throw new UsageFault(`unknown draft ${draft}`);
  const total = count === undefined ? 1 : Number(count);
  if (!Number.isInteger(total) || total < 1) throw new UsageFault('--count must be a positive integer');
  let seen = 0;
  let failures = 0;
  return new Promise((resolve, reject) => {
    startRecorder({
      listenPort: parsePort(listen, '--listen'),
      upstreamHost: m[1]!.replace(/^\[|\]$/g, ''),
      upstreamPort: parsePort(m[2]!, '--upstream'),
      onConnection: async (c) => {
        const n = ++seen;
        const file = total > 1 ? `${out}-${n}` : out;
        const fixture = fixtureFromRecording(c.segments, {
          source: source ?? `recorded by wscompat record between a client and the server at ${upstream}`,
          ...(draft !== undefined && isDraftId(draft) ? { draft } : {}),
        });
        if (typeof fixture === 'string') {
          failures++;
          process.stderr.write(`connection ${n}: not written: ${fixture}\n`);
        } else {
          await writeFile(file, serializeFixture(fixture));
          process.stderr.write(
            `connection ${n}: wrote ${file} (${fixture.draft}, status ${fixture.expectStatus})\n`,
          );
        }
        if (n >= total) {
          await recorder.close();
          resolve(failures === 0 ? 0 : 2);
        }
      },
    }).then((r) => {
      recorder = r;
      process.stderr.write(`recording on 127.0.0.1:${r.port} -> ${upstream}\n`);
    }, reject);
    let recorder: Awaited<ReturnType<typeof startRecorder>>;
  });
}
