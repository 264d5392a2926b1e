// `wscompat detect`: classify a captured handshake request by draft and list every problem (drafts.md §8).
import { readFile } from 'node:fs/promises';
import { type RequestReport, reportRequest } from '../../sniff/report.js';
import { parseArgs, UsageFault } from '../args.js';

const USAGE = `usage: wscompat detect [FILE|-] [--json] [--help]

Reads one raw handshake request (CRLF or LF line ends, any body bytes after the
blank line) from FILE, or from standard input when FILE is '-' or omitted, and
prints the draft it speaks, the headers that decided, and every problem found.

  --json   print {draft, verdict, evidence, problems, status, reason} as JSON
  --help   print this help

exit status: 0 recognised and valid; 2 recognised but invalid or unsupported,
or not a WebSocket request; 1 usage error (unknown option, unreadable file).
`;

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

export async function run(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageFault('give at most one FILE');
  const report = reportRequest(await readInput(positionals[0]));
  // Fixed key order so scripts and diffs can rely on the shape.
  const json = {
    draft: report.draft,
    verdict: report.verdict,
    evidence: report.evidence,
    problems: report.problems.map((p) => ({ severity: p.severity, code: p.code, message: p.message })),
    ...(report.status === undefined ? {} : { status: report.status }),
    ...(report.reason === undefined ? {} : { reason: report.reason }),
    ...(report.extensions === undefined ? {} : { extensions: report.extensions }),
  };
  process.stdout.write(flags.json === true ? `${JSON.stringify(json, null, 2)}\n` : human(report));
  return report.verdict === 'valid' ? 0 : 2;
}
