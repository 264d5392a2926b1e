// `npm run bench`: wscompat against ws (with and without bufferutil), websocket-driver and raw net, in one run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from './lib/args.js';
import { findRegressions, formatRegressions, loadBaseline } from './lib/baseline.js';
import { pinAllocator } from './lib/child.js';
import { formatTables, machine, Results } from './lib/report.js';
import { maskSuite } from './mask/suite.js';
import { setAppHeap } from './net/app-heap.js';
import { compressionSuite } from './net/compression-suite.js';
import { echoSuite } from './net/echo-suite.js';
import { handshakeSuite } from './net/handshake-suite.js';
import { memorySuite } from './net/memory-suite.js';
import { parserSuite } from './parser/suite.js';
import { scaleSuite } from './scale/suite.js';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (line: string): void => console.log(line);
  const results = new Results();
  const host = machine();
  pinAllocator(args.pinMalloc);
  setAppHeap(args.appHeapMiB);
  const environment = args.pinMalloc
    ? 'PINNED glibc malloc thresholds (--pin-malloc): not what users run'
    : 'untouched (as users run it)';
  log(`wscompat bench ${args.quick ? '(quick)' : '(full)'}: ${args.suites.join(', ')}`);
  log(`machine: ${JSON.stringify(host)}`);
  log(`environment: ${environment}`);
  log(
    `servers: every library loaded in each server process, plus ${args.appHeapMiB} MiB of live objects (--app-heap)`,
  );
  const opts = { quick: args.quick, log };
  if (args.suites.includes('parser')) await parserSuite(results, opts);
  if (args.suites.includes('mask')) await maskSuite(results, opts);
  if (args.suites.includes('echo')) await echoSuite(results, opts);
  if (args.suites.includes('handshake')) await handshakeSuite(results, opts);
  if (args.suites.includes('memory')) await memorySuite(results, opts);
  if (args.suites.includes('compression')) await compressionSuite(results, opts);
  if (args.suites.includes('scale')) await scaleSuite(results, opts);
  const seconds = (Date.now() - started) / 1000;
  log(formatTables(results));
  log(`environment: ${environment}`);
  // A quick run's windows are too short to judge timing by (CI runs it): only wrong bytes or crashes fail it.
  const baseline = loadBaseline(args.baseline);
  if (args.quick) log('\nquick run: timing is not compared against the baseline');
  else if (!baseline) log(`\nno baseline at ${args.baseline}: nothing to compare against`);
  else log(formatRegressions(args.baseline, findRegressions(baseline, results.figures)));
  log(`\nfinished in ${seconds.toFixed(0)} s; ${results.errorCount} error(s)`);
  if (args.json) {
    mkdirSync(dirname(args.json), { recursive: true });
    const doc = {
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      quick: args.quick,
      pinMalloc: args.pinMalloc,
      appHeapMiB: args.appHeapMiB,
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
