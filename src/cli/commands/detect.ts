// `wscompat detect`: classify a captured handshake request by draft and list every problem (drafts.md §8).
import { readFile } from 'node:fs/promises';
import { requestOf } from '../../census/handshake.js';
import { isCapture } from '../../census/read.js';
import { streamOf } from '../../replay/fixture.js';
import { parseFixture } from '../../replay/fixture-parse.js';
import { readCapture } from '../../replay/pcap.js';
import { type RequestReport, reportRequest } from '../../sniff/report.js';
import { parseCommand, UsageFault } from '../args.js';

const USAGE = `usage: wscompat detect [FILE|-] [--json] [--help]

Reads one raw handshake request (CRLF or LF line ends, any body bytes after the
blank line) from FILE, or from standard input when FILE is '-' or omitted, and
prints the draft it speaks, the headers that decided, and every problem found.

FILE may also be a trace (fixtures/README.md: its client request is judged) or a
packet capture (pcap or pcapng: every TCP connection that starts with an HTTP
request is judged, one report per connection).

  --json   print {draft, verdict, evidence, problems, status, reason} as JSON;
           for a capture {connections: [{stream, client, server, time, ...}]}
  --help   print this help

exit status: 0 recognised and valid (every connection, for a capture); 2
recognised but invalid or unsupported, not a WebSocket request, or a capture with
no request; 1 usage error (unknown option, unreadable or corrupt file).
`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Captures are a few KiB; anything this large is not a handshake request. */
const MAX_INPUT = 1024 * 1024;

async function readStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) throw new UsageFault('no FILE given and standard input is a terminal');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), 'latin1');
    size += b.length;
    if (size > MAX_INPUT) throw new UsageFault(`input is larger than ${MAX_INPUT} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

async function readInput(file: string | undefined): Promise<Buffer> {
  if (file === undefined || file === '-') return readStdin();
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new UsageFault(`cannot read ${file}: ${code}`);
  }
  if (data.length > MAX_INPUT) throw new UsageFault(`${file} is larger than ${MAX_INPUT} bytes`);
  return data;
}

function human(report: RequestReport): string {
  const lines = [`draft:    ${report.draft ?? '(none)'}`, `verdict:  ${report.verdict}`];
  if (report.status !== undefined)
    lines.push(`server:   ${report.status}${report.reason === undefined ? '' : ` (${report.reason})`}`);
  lines.push(
    'evidence:',
    ...(report.evidence.length === 0 ? ['  (none)'] : report.evidence.map((e) => `  ${e}`)),
  );
  if (report.extensions) {
    lines.push('extensions offered:', ...report.extensions.offered.map((e) => `  ${e}`));
    lines.push(`extension accepted (perMessageDeflate: true): ${report.extensions.accepted || '(none)'}`);
  }
  lines.push('problems:');
  if (report.problems.length === 0) lines.push('  (none)');
  for (const p of report.problems) lines.push(`  ${p.severity.padEnd(7)} ${p.code}: ${p.message}`);
  return `${lines.join('\n')}\n`;
}

/** Fixed key order so scripts and diffs can rely on the shape. */
function toJson(report: RequestReport) {
  return {
    draft: report.draft,
    verdict: report.verdict,
    evidence: report.evidence,
    problems: report.problems.map((p) => ({ severity: p.severity, code: p.code, message: p.message })),
    ...(report.status === undefined ? {} : { status: report.status }),
    ...(report.reason === undefined ? {} : { reason: report.reason }),
    ...(report.extensions === undefined ? {} : { extensions: report.extensions }),
  };
}

const TRACE_MAGIC = Buffer.from('# wscompat trace 1');

interface Judged {
  readonly stream: number;
  readonly client: string;
  readonly server: string;
  readonly time: string;
  readonly report: RequestReport;
}

/** One report per connection of the capture whose client starts with an HTTP request. */
async function judgeCapture(file: string): Promise<Judged[]> {
  const out: Judged[] = [];
  await readCapture(
    file,
    (c) => {
      const client = Buffer.concat(
        c.pieces.flatMap((p) => (p.dir === 'client' && p.kind === 'data' ? [p.bytes] : [])),
      );
      const request = requestOf(client);
      if (!request) return;
      const time = Number.isFinite(c.firstSeen) && c.firstSeen > 0 ? new Date(c.firstSeen).toISOString() : '';
      out.push({ stream: c.index, client: c.client, server: c.server, time, report: reportRequest(request) });
    },
    { maxBytesPerSide: MAX_INPUT },
  );
  return out.sort((a, b) => a.stream - b.stream);
}

async function detectCapture(file: string, json: boolean): Promise<number> {
  let judged: Judged[];
  try {
    judged = await judgeCapture(file);
  } catch (err) {
    throw new UsageFault(`${file}: ${(err as Error).message}`);
  }
  if (json) {
    const connections = judged.map(({ report, ...where }) => ({ ...where, ...toJson(report) }));
    process.stdout.write(`${JSON.stringify({ connections }, null, 2)}\n`);
  } else if (judged.length === 0)
    process.stdout.write('no TCP connection in the capture starts with an HTTP request\n');
  else
    process.stdout.write(
      judged
        .map(
          (j) =>
            `stream ${j.stream}: ${j.client} -> ${j.server}${j.time ? ` at ${j.time}` : ''}\n${human(j.report)}`,
        )
        .join('\n'),
    );
  return judged.length > 0 && judged.every((j) => j.report.verdict === 'valid') ? 0 : 2;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageFault('give at most one FILE');
  const file = positionals[0];
  if (file !== undefined && file !== '-' && (await isCapture(file).catch(() => false)))
    return detectCapture(file, values.json === true);
  let input = await readInput(file);
  if (input.subarray(0, TRACE_MAGIC.length).equals(TRACE_MAGIC)) {
    try {
      const client = streamOf(parseFixture(input.toString('latin1'), file ?? '<stdin>'), 'client');
      input = requestOf(client) ?? client;
    } catch (err) {
      throw new UsageFault((err as Error).message);
    }
  }
  const report = reportRequest(input);
  process.stdout.write(values.json === true ? `${JSON.stringify(toJson(report), null, 2)}\n` : human(report));
  return report.verdict === 'valid' ? 0 : 2;
}
