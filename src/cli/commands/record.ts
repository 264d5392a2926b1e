// `wscompat record`: a recording TCP proxy between a real client and a real server, writing fixtures.
import { stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isDraftId } from '../../drafts.js';
import { serializeFixture } from '../../replay/fixture-write.js';
import { fixtureFromRecording } from '../../replay/from-recording.js';
import { type RecordedConnection, startRecorder } from '../../replay/recorder.js';
import { parseCommand, parsePort, UsageFault } from '../args.js';
import { CliFailure, connectFailure, EXIT, fileFailure, listenFailure } from '../failure.js';

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

exit status: 0 every connection recorded; 2 a connection could not become a fixture; 1 usage error;
4 the upstream could not be reached; 5 the upstream refused the connection (nothing listens there);
6 cannot listen on PORT or write FILE.
`;

/** `ws://host:8080/x` -> `host:8080`, to suggest what --upstream wants. */
function hostPortOf(url: string): string {
  try {
    const u = new URL(url);
    return u.port ? u.host : `${u.host}:${u.protocol === 'wss:' || u.protocol === 'https:' ? 443 : 80}`;
  } catch {
    return 'HOST:PORT';
  }
}

/** Fail before listening when the fixture could never be written: a directory, or a missing folder. */
async function checkOut(out: string): Promise<void> {
  const existing = await stat(out).catch(() => undefined);
  if (existing?.isDirectory())
    throw new CliFailure(`--out ${out} is a directory; give the name of the fixture file`, EXIT.local);
  const parent = await stat(dirname(out)).catch((err: unknown) => {
    throw fileFailure(err, 'write into', dirname(out));
  });
  if (!parent.isDirectory())
    throw new CliFailure(`cannot write into ${dirname(out)}: not a directory`, EXIT.local);
}

export async function run(argv: string[]): Promise<number> {
  const { values: flags, positionals } = parseCommand(argv, {
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
  if (positionals.length > 0) throw new UsageFault(`unexpected argument '${positionals[0]}'`);
  const { listen, upstream, out, draft, source, count } = flags;
  if (listen === undefined || upstream === undefined || out === undefined)
    throw new UsageFault('--listen, --upstream and --out are required');
  // The proxy relays raw TCP: a URL's scheme and path mean nothing to it, and wss:// would be encrypted.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(upstream))
    throw new UsageFault(`--upstream wants HOST:PORT, not a URL (try --upstream ${hostPortOf(upstream)})`);
  const m = /^(.+):(\d+)$/.exec(upstream);
  if (!m) throw new UsageFault('--upstream must be HOST:PORT');
  if (draft !== undefined && !isDraftId(draft)) throw new UsageFault(`unknown draft ${draft}`);
  const total = count === undefined ? 1 : Number(count);
  if (!Number.isInteger(total) || total < 1) throw new UsageFault('--count must be a positive integer');
  const listenPort = parsePort(listen, '--listen');
  const upstreamPort = parsePort(m[2]!, '--upstream');
  await checkOut(total > 1 ? `${out}-1` : out);
  let seen = 0;
  let failures = 0;
  return new Promise((resolve, reject) => {
    startRecorder({
      listenPort,
      upstreamHost: m[1]!.replace(/^\[|\]$/g, ''),
      upstreamPort,
      onConnection: (c) =>
        record(c).catch(async (err: unknown) => {
          await recorder.close();
          reject(err);
        }),
    }).then(
      (r) => {
        recorder = r;
        process.stderr.write(`recording on 127.0.0.1:${r.port} -> ${upstream}\n`);
      },
      (err: unknown) => reject(listenFailure(err, '127.0.0.1', listenPort)),
    );
    let recorder: Awaited<ReturnType<typeof startRecorder>>;
    const record = async (c: RecordedConnection): Promise<void> => {
      // Nothing relayed: the upstream is not there, and every further client would fail the same way.
      if (c.upstreamError) throw connectFailure(c.upstreamError, `upstream ${upstream}`);
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
        await writeFile(file, serializeFixture(fixture)).catch((err: unknown) => {
          throw fileFailure(err, 'write', file);
        });
        process.stderr.write(
          `connection ${n}: wrote ${file} (${fixture.draft}, status ${fixture.expectStatus})\n`,
        );
      }
      if (n >= total) {
        await recorder.close();
        resolve(failures === 0 ? EXIT.ok : EXIT.failed);
      }
    };
  });
}
