// `npm run bench`: wscompat against ws (with and without bufferutil), websocket-driver and raw net, in one run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from './lib/args.js';
import { formatTables, machine, Results } from './lib/report.js';
import { compressionSuite, echoSuite, handshakeSuite, memorySuite } from './net/suite.js';
import { parserSuite } from './parser/suite.js';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (line: string): void => console.log(line);
  const results = new Results();
  const host = machine();
  log(`wscompat bench ${args.quick ? '(quick)' : '(full)'}: ${args.suites.join(', ')}`);
  log(`machine: ${JSON.stringify(host)}`);
  const opts = { quick: args.quick, log };
  if (args.suites.includes('parser')) await parserSuite(results, opts);
  if (args.suites.includes('echo')) await echoSuite(results, opts);
  if (args.suites.includes('handshake')) await handshakeSuite(results, opts);
  if (args.suites.includes('memory')) await memorySuite(results, opts);
  if (args.suites.includes('compression')) await compressionSuite(results, opts);
  const seconds = (Date.now() - started) / 1000;
  log(formatTables(results));
  log(`\nfinished in ${seconds.toFixed(0)} s; ${results.errorCount} error(s)`);
  if (args.json) {
    mkdirSync(dirname(args.json), { recursive: true });
    const doc = {
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      quick: args.quick,
      date: new Date(started).toISOString(),
      seconds,
      machine: { ...host, loadAverageEnd1m: Number(loadavg()[0]!.toFixed(2)) },
      figures: results.figures,
    };
    writeFileSync(args.json, `${JSON.stringify(doc, null, 2)}\n`);
    log(`wrote ${args.json}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
