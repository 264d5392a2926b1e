// The benchmark's results model: figures per implementation, wscompat's ratio to each peer, table and JSON.
import { cpus, loadavg, totalmem } from 'node:os';

export const IMPLS = ['wscompat', 'wscompat-js', 'ws', 'ws-nobu', 'driver', 'net'] as const;
export type Impl = (typeof IMPLS)[number];
/** wscompat with WSCOMPAT_NO_BUFFERUTIL=1: the figure the "no native runtime dependency" targets are judged on. */
const OWN: readonly Impl[] = ['wscompat', 'wscompat-js'];
export const PEERS = IMPLS.filter((i) => !OWN.includes(i));

export const IMPL_LABEL: Record<Impl, string> = {
  wscompat: 'wscompat',
  'wscompat-js': 'wscompat (no bufferutil)',
  ws: 'ws+bufferutil',
  'ws-nobu': 'ws (no bufferutil)',
  driver: 'websocket-driver',
  net: 'raw net echo',
};

export interface Figure {
  readonly suite: string;
  /** e.g. "rfc6455 text 1 KiB", "1 KiB x 16 conns". */
  readonly case: string;
  readonly metric: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly values: Partial<Record<Impl, number>>;
  readonly errors: Partial<Record<Impl, string>>;
  /** wscompat / peer, for every peer measured in this run (for `lower` metrics below 1 is better). */
  readonly ratios: Partial<Record<Impl, number>>;
  /** The same for wscompat-js, when it was measured. */
  readonly ratiosJs: Partial<Record<Impl, number>>;
}

function ratiosOf(
  own: number | undefined,
  values: Partial<Record<Impl, number>>,
): Partial<Record<Impl, number>> {
  const ratios: Partial<Record<Impl, number>> = {};
  for (const peer of PEERS) {
    const v = values[peer];
    if (own !== undefined && v !== undefined && v > 0) ratios[peer] = own / v;
  }
  return ratios;
}

export class Results {
  readonly figures: Figure[] = [];

  add(
    suite: string,
    caseName: string,
    metric: string,
    unit: string,
    better: 'higher' | 'lower',
    values: Partial<Record<Impl, number>>,
    errors: Partial<Record<Impl, string>> = {},
  ): void {
    const ratios = ratiosOf(values.wscompat, values);
    const ratiosJs = ratiosOf(values['wscompat-js'], values);
    this.figures.push({ suite, case: caseName, metric, unit, better, values, errors, ratios, ratiosJs });
  }

  get errorCount(): number {
    return this.figures.reduce((n, f) => n + Object.keys(f.errors).length, 0);
  }
}

export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

function num(v: number | undefined): string {
  if (v === undefined) return '-';
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

/** One table per suite: a column per implementation, then wscompat's ratio to each peer. */
export function formatTables(results: Results): string {
  const out: string[] = [];
  const suites = [...new Set(results.figures.map((f) => f.suite))];
  for (const suite of suites) {
    const figs = results.figures.filter((f) => f.suite === suite);
    const impls = IMPLS.filter((i) =>
      figs.some((f) => f.values[i] !== undefined || f.errors[i] !== undefined),
    );
    const peers = impls.filter((i) => !OWN.includes(i) && figs.some((f) => f.ratios[i] !== undefined));
    const jsPeers = peers.filter((p) => p === 'ws' && figs.some((f) => f.ratiosJs[p] !== undefined));
    const header = [
      'case',
      'metric',
      ...impls,
      ...peers.map((p) => `x ${p}`),
      ...jsPeers.map((p) => `js x ${p}`),
    ];
    const rows = figs.map((f) => [
      f.case,
      `${f.metric} (${f.unit})`,
      ...impls.map((i) => (f.errors[i] !== undefined ? 'ERR' : num(f.values[i]))),
      ...peers.map((p) => (f.ratios[p] === undefined ? '-' : `${f.ratios[p].toFixed(2)}x`)),
      ...jsPeers.map((p) => (f.ratiosJs[p] === undefined ? '-' : `${f.ratiosJs[p].toFixed(2)}x`)),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    out.push(`\n== ${suite} ==`, pad(header, widths), ...rows.map((r) => pad(r, widths)));
    for (const f of figs)
      for (const [impl, err] of Object.entries(f.errors)) out.push(`  ! ${f.case} ${impl}: ${err}`);
  }
  out.push(
    '\nratios are wscompat / peer: above 1 is better for rates, below 1 is better for latency and memory',
  );
  return out.join('\n');
}

export function machine(): Record<string, unknown> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    /** Other work on the machine skews every figure: the 1-minute load average when the run started. */
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
}
