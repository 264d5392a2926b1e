// `wscompat probe`: connect once with each draft's client and report what the server accepts.
import { headerValues } from '../../core/headers.js';
import { ALL_DRAFTS, type DraftId } from '../../core/types.js';
import { type LiveClientResult, runLiveClient } from '../../replay/live-client.js';
import { parseCommand, UsageFault } from '../args.js';
import { CliFailure, connectFailure, EXIT } from '../failure.js';

const USAGE = `usage: wscompat probe ws[s]://HOST:PORT/PATH [--protocol P]... [--json] [--help]

Connects once with each draft's client (rfc6455, hybi-10, hybi-07, hixie-76,
hixie-75), sends one text message, waits for its echo and closes. Reports for
each draft whether the handshake was accepted, the status line, the selected
subprotocol, the Sec-WebSocket-Version list of a refusal, and whether the echo
round trip worked. The rfc6455 attempt offers permessage-deflate, as browsers
do, and reports the server's Sec-WebSocket-Extensions answer.

  --protocol P   offer subprotocol P (repeatable)
  --timeout MS   per-draft time limit (default 3000)
  --insecure     wss:// only: accept any certificate (a self-signed test server)
  --json         print a JSON array of per-draft results
  --help         print this help

exit status: 0 at least one draft accepted; 2 the server answered and refused every
draft; 4 could not reach it (name does not resolve, no route, TLS failed, no answer);
5 connection refused (nothing listens on that port); 1 usage error.
`;

export interface ProbeResult {
  readonly draft: DraftId;
  readonly accepted: boolean;
  readonly status: string | undefined;
  readonly protocol: string;
  readonly versions: string | undefined;
  readonly echo: boolean;
  readonly error: string | undefined;
  /** rfc6455 only: the server's Sec-WebSocket-Extensions answer to a permessage-deflate offer ('' declined). */
  readonly compression?: string;
}

const PROBE_TEXT = 'wscompat-probe';

/** No TCP/TLS connection at all: the first draft tells, and the others would fail the same way. */
function unreachable(url: string, r: LiveClientResult): CliFailure | undefined {
  if (r.connected) return undefined;
  const where = new URL(url).host;
  if (r.connectError === undefined)
    return new CliFailure(`could not reach ${where}: no answer in time`, EXIT.unreachable);
  const code = r.connectError.code ?? '';
  if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code) || /certificate|ssl|tls/i.test(r.connectError.message))
    return new CliFailure(
      `could not reach ${where}: TLS handshake failed (${r.connectError.message}); --insecure accepts any certificate`,
      EXIT.unreachable,
    );
  return connectFailure(r.connectError, where);
}

export interface ProbeOptions {
  /** wss:// only: false accepts any certificate. */
  readonly rejectUnauthorized?: boolean;
}

/** One result per draft; throws CliFailure when the server cannot be connected to at all. */
export async function probe(
  url: string,
  protocols: readonly string[],
  timeoutMs: number,
  options: ProbeOptions = {},
): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const draft of ALL_DRAFTS) {
    const sends =
      draft === 'hixie-75'
        ? [{ type: 'text' as const, data: Buffer.from(PROBE_TEXT) }]
        : [
            { type: 'text' as const, data: Buffer.from(PROBE_TEXT) },
            { type: 'close' as const, code: 1000 },
          ];
    const r = await runLiveClient({
      url,
      draft,
      protocols,
      sends: draft === 'hixie-76' ? [sends[0]!, { type: 'close' }] : sends,
      timeoutMs,
      ...(draft === 'rfc6455' ? { perMessageDeflate: { threshold: 0 } } : {}),
      ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
    });
    const failure = unreachable(url, r);
    if (failure) throw failure;
    const h = r.head;
    const protocol = h?.headers.find(([n]) => /^(sec-)?websocket-protocol$/i.test(n))?.[1] ?? '';
    const versions =
      h && h.status !== 101
        ? headerValues(h.headers, 'sec-websocket-version').join(', ') || undefined
        : undefined;
    out.push({
      draft,
      accepted: r.accepted,
      status: h ? `HTTP/${h.httpVersion} ${h.status} ${h.reason}` : undefined,
      protocol,
      versions,
      echo: r.events.some((e) => e.type === 'text' && e.data.toString() === PROBE_TEXT),
      error: r.accepted ? undefined : (r.refusal ?? (r.timedOut ? 'timed out' : 'no answer')),
      ...(draft === 'rfc6455' && r.accepted && h
        ? { compression: headerValues(h.headers, 'sec-websocket-extensions').join(', ') }
        : {}),
    });
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const { values: flags, positionals } = parseCommand(argv, {
    protocol: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    insecure: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [url, ...extra] = positionals;
  if (url === undefined || extra.length > 0) throw new UsageFault('give exactly one ws:// or wss:// URL');
  if (!/^wss?:\/\/[^/]+/.test(url) || !URL.canParse(url))
    throw new UsageFault(`not a ws:// or wss:// URL: ${url}`);
  const timeout = flags.timeout === undefined ? 3000 : Number(flags.timeout);
  if (!Number.isInteger(timeout) || timeout <= 0)
    throw new UsageFault('--timeout must be a positive integer');
  const results = await probe(url, flags.protocol ?? [], timeout, {
    ...(flags.insecure ? { rejectUnauthorized: false } : {}),
  });
  if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else
    for (const r of results) {
      const parts = [
        r.draft.padEnd(9),
        r.accepted ? 'accepted' : 'refused ',
        r.status ?? '(no answer)',
        ...(r.protocol ? [`protocol=${r.protocol}`] : []),
        ...(r.versions ? [`versions=${r.versions}`] : []),
        ...(r.accepted ? [`echo=${r.echo ? 'ok' : 'FAILED'}`] : []),
        ...(r.compression !== undefined
          ? [`permessage-deflate=${r.compression ? 'accepted' : 'declined'}`]
          : []),
        ...(r.error && !r.status ? [r.error] : []),
      ];
      process.stdout.write(`${parts.join('  ')}\n`);
    }
  return results.some((r) => r.accepted) ? EXIT.ok : EXIT.failed;
}
