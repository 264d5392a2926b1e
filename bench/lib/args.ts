// Command-line options of `npm run bench`.

export const SUITES = ['parser', 'echo', 'handshake', 'memory', 'compression'] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchArgs {
  /** About two minutes in all: shorter windows, fewer idle connections. Never judged on timing. */
  readonly quick: boolean;
  readonly json: string | undefined;
  readonly suites: readonly Suite[];
}

const USAGE =
  'usage: npm run bench -- [--quick] [--json FILE] [--only parser,echo,handshake,memory,compression]';

export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let json: string | undefined;
  let suites: Suite[] = [...SUITES];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') {
      json = argv[++i];
      if (!json) throw new Error(`--json needs a file\n${USAGE}`);
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
  return { quick, json, suites };
}
