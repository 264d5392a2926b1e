// Command-line options of `npm run bench`.

export const SUITES = ['parser', 'mask', 'echo', 'handshake', 'memory', 'compression', 'scale'] as const;
export type Suite = (typeof SUITES)[number];

export const DEFAULT_BASELINE = 'bench/baseline.json';

export interface BenchArgs {
  /** About two minutes in all: shorter windows, fewer idle connections. Never judged on timing. */
  readonly quick: boolean;
  readonly json: string | undefined;
  readonly suites: readonly Suite[];
  /**
   * Opt-in: every child gets the same pinned glibc trim/mmap thresholds. Off by default, so figures are
   * what users see; on, it isolates allocator noise (and the output says so).
   */
  readonly pinMalloc: boolean;
  /** The previous committed figures that a regression of more than 20 % is judged against. */
  readonly baseline: string;
  /** MiB of live objects every server child holds, standing for the application around it (net/app-heap.ts). */
  readonly appHeapMiB: number;
}

export const DEFAULT_APP_HEAP_MIB = 32;

const USAGE =
  'usage: npm run bench -- [--quick] [--json FILE] [--only parser,mask,echo,handshake,memory,compression,scale] ' +
  '[--pin-malloc] [--baseline FILE] [--app-heap MIB]';

export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let pinMalloc = false;
  let json: string | undefined;
  let baseline = DEFAULT_BASELINE;
  let suites: Suite[] = [...SUITES];
  let appHeapMiB = DEFAULT_APP_HEAP_MIB;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--pin-malloc') pinMalloc = true;
    else if (arg === '--json' || arg === '--baseline') {
      const file = argv[++i];
      if (!file) throw new Error(`${arg} needs a file\n${USAGE}`);
      if (arg === '--json') json = file;
      else baseline = file;
    } else if (arg === '--app-heap') {
      appHeapMiB = Number(argv[++i]);
      if (!Number.isInteger(appHeapMiB) || appHeapMiB < 0)
        throw new Error(`--app-heap needs a whole number of MiB (0: none)\n${USAGE}`);
    } else if (arg === '--only') {
      const list = (argv[++i] ?? '').split(',');
      for (const s of list)
        if (!(SUITES as readonly string[]).includes(s)) throw new Error(`unknown suite "${s}"\n${USAGE}`);
      suites = list as Suite[];
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return { quick, json, suites, pinMalloc, baseline, appHeapMiB };
}
