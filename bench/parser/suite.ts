// Parent side of the parser benchmark: one child per implementation, figures gathered into Results.
import { Child } from '../lib/child.js';
import { type Impl, type Results, sizeLabel } from '../lib/report.js';
import { appHeapMiB } from '../net/app-heap.js';
import type { ParserImpl } from './adapters.js';
import type { ParserCase, ParserFigure, ParserWorkerConfig } from './worker.js';

export interface ParserSuiteOptions {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

const SIZES = [16, 1024, 64 * 1024, 1024 * 1024];

type SuiteImpl = ParserImpl | 'wscompat-js';

function casesFor(impl: SuiteImpl): ParserCase[] {
  const cases: ParserCase[] = [];
  for (const kind of ['text', 'binary'] as const)
    for (const size of SIZES) cases.push({ draft: 'rfc6455', kind, size });
  // Binary messages taken as pieces, where both libraries offer it (ws: binaryType 'fragments').
  if (impl !== 'driver')
    for (const size of SIZES.slice(2))
      cases.push({ draft: 'rfc6455', kind: 'binary', size, fragments: true });
  if (impl === 'wscompat' || impl === 'wscompat-js' || impl === 'driver')
    for (const size of SIZES) cases.push({ draft: 'hixie-76', kind: 'text', size });
  return cases;
}

function caseName(c: ParserCase): string {
  return `${c.draft} ${c.kind} ${sizeLabel(c.size)}${c.fragments ? ', pieces' : ''}`;
}

interface Collected1 {
  values: Partial<Record<Impl, number>>;
  faults: Partial<Record<Impl, number>>;
  errors: Partial<Record<Impl, string>>;
}
type Collected = Map<string, Collected1>;

async function runImpl(impl: SuiteImpl, opts: ParserSuiteOptions, into: Collected): Promise<void> {
  const cases = casesFor(impl);
  const base: ParserImpl = impl === 'ws-nobu' ? 'ws' : impl === 'wscompat-js' ? 'wscompat' : impl;
  const config: ParserWorkerConfig = {
    impl: base,
    cases,
    warmupMs: opts.quick ? 100 : 500,
    measureMs: opts.quick ? 300 : 2000,
    streamBytes: 4 * 1024 * 1024,
    appHeapMiB: appHeapMiB(),
  };
  // ws reads WS_NO_BUFFER_UTIL once, at load: the variant without the native addon needs its own process.
  // wscompat's optional native unmask is switched off the same way (WSCOMPAT_NO_BUFFERUTIL).
  const env: Record<string, string> =
    impl === 'ws-nobu'
      ? { WS_NO_BUFFER_UTIL: '1' }
      : impl === 'wscompat-js'
        ? { WSCOMPAT_NO_BUFFERUTIL: '1' }
        : {};
  const child = new Child('../parser/worker.ts', config, env);
  const record = (c: ParserCase, key: 'values' | 'faults' | 'errors', value: number | string): void => {
    const name = caseName(c);
    const entry = into.get(name) ?? { values: {}, faults: {}, errors: {} };
    into.set(name, entry);
    (entry[key] as Record<string, number | string>)[impl] = value;
  };
  try {
    // Generous per-case deadline: a slow machine must not fail the run, only a hang may.
    const perCase = config.warmupMs + config.measureMs + 60_000;
    for (let i = 0; i < cases.length; i++) {
      const msg = await child.expect('figure', perCase);
      const c = msg.case as ParserCase;
      if (typeof msg.error === 'string') record(c, 'errors', msg.error);
      else {
        const fig = msg.figure as ParserFigure;
        record(c, 'values', fig.mbps);
        record(c, 'faults', fig.faultsPerMiB);
        opts.log(
          `  parser ${impl.padEnd(11)} ${caseName(c).padEnd(24)} ${fig.mbps.toFixed(1)} MB/s, ${fig.faultsPerMiB.toFixed(1)} page faults/MiB`,
        );
      }
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    for (const c of cases) if (!into.get(caseName(c))?.values[impl]) record(c, 'errors', message);
  } finally {
    await child.stop();
  }
}

export async function parserSuite(results: Results, opts: ParserSuiteOptions): Promise<void> {
  const collected: Collected = new Map();
  for (const impl of ['wscompat', 'wscompat-js', 'ws', 'ws-nobu', 'driver'] as const)
    await runImpl(impl, opts, collected);
  for (const [name, { values, faults, errors }] of collected) {
    const suite = name.startsWith('hixie')
      ? 'parser hixie-76 (server, text)'
      : 'parser rfc6455 (server, masked)';
    results.add(suite, name, 'throughput', 'MB/s', 'higher', values, errors);
    // Only where large buffers are in play: below 64 KiB the count is noise around zero.
    if (/(MiB|64 KiB)(, pieces)?$/.test(name))
      results.add(suite, name, 'page faults / MiB', 'count', 'lower', faults);
  }
}
