// `wscompat census`: which drafts, extensions, subprotocols, user agents and origins clients used.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Handshake } from '../../census/handshake.js';
import { captureHandshakes, isCapture, logHandshakes } from '../../census/read.js';
import { renderHtml, renderText } from '../../census/render.js';
import { tally } from '../../census/tally.js';
import { UsageFault } from '../args.js';

const USAGE = `usage: wscompat census CAPTURE|LOG... [--json] [--html FILE] [--help]

Counts the WebSocket handshakes in packet captures (pcap or pcapng, read without
tshark) and in the gateway's JSON-lines logs (what wscompat gateway prints on stdout):
which drafts, extensions, subprotocols, user agents and origins the clients used,
each with its count and first/last seen, and the handshakes wscompat would refuse
and why. Files are told apart by content.

  --json        print the census as one JSON object
  --html FILE   also write a self-contained HTML page with a chart of drafts over time
  --help        print this help

exit status: 0 handshakes found; 2 none; 1 usage error or unreadable/corrupt input.
`;

const OPTIONS = {
  json: { type: 'boolean' },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageFault((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageFault('give at least one CAPTURE or LOG file');
  const handshakes: Handshake[] = [];
  const add = (h: Handshake) => void handshakes.push(h);
  for (const file of positionals) {
    try {
      if (await isCapture(file)) await captureHandshakes(file, add);
      else {
        const bad = await logHandshakes(file, add);
        if (bad.length > 0)
          process.stderr.write(
            `wscompat census: ${file}: ${bad.length} line(s) are not JSON log records (line ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''})\n`,
          );
      }
    } catch (err) {
      process.stderr.write(`wscompat census: ${file}: ${(err as Error).message}\n`);
      return 1;
    }
  }
  const census = tally(handshakes);
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ sources: positionals, ...census }, null, 2)}\n`
      : renderText(census, positionals),
  );
  if (values.html !== undefined) {
    try {
      await writeFile(values.html, renderHtml(census, positionals));
    } catch (err) {
      process.stderr.write(`wscompat census: cannot write ${values.html}: ${(err as Error).message}\n`);
      return 1;
    }
  }
  return census.handshakes > 0 ? 0 : 2;
}
