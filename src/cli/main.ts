// The `wscompat` command: dispatches to one module per subcommand, loaded only when used.
import { parseCommand, UsageFault } from './args.js';
import { describeFailure, EXIT } from './failure.js';
import { packageVersion } from './version.js';

interface Command {
  readonly summary: string;
  readonly load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  serve: { summary: 'multi-draft echo server with a demo page', load: () => import('./commands/serve.js') },
  detect: {
    summary: 'classify a captured handshake request by draft',
    load: () => import('./commands/detect.js'),
  },
  replay: {
    summary: 'replay fixture traces in-process or against a server',
    load: () => import('./commands/replay.js'),
  },
  record: { summary: 'record a fixture through a TCP proxy', load: () => import('./commands/record.js') },
  'import-pcap': {
    summary: 'turn a packet capture into fixtures',
    load: () => import('./commands/import-pcap.js'),
  },
  census: {
    summary: 'which drafts, extensions and clients a capture or gateway log shows',
    load: () => import('./commands/census.js'),
  },
  probe: { summary: 'report which drafts a server accepts', load: () => import('./commands/probe.js') },
  gateway: {
    summary: 'accept legacy clients, forward to a modern backend',
    load: () => import('./commands/gateway.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return (
    `usage: wscompat <command> [options]\n       wscompat --version\n\ncommands:\n${lines.join('\n')}\n\n` +
    `Run 'wscompat <command> --help' for a command's options. Exit codes: see the README.\n`
  );
}

/** Options before the command name: only --help and --version. */
function topLevel(argv: string[]): 'help' | 'version' | undefined {
  const { values, positionals } = parseCommand(argv, {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'V' },
  });
  if (positionals.length > 0) throw new UsageFault(`unexpected argument '${positionals[0]}'`);
  return values.version ? 'version' : values.help ? 'help' : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  try {
    if (!command) {
      if (!name.startsWith('-')) throw new UsageFault(`unknown command '${name}'`);
      const what = topLevel(argv);
      process.stdout.write(what === 'version' ? `${packageVersion()}\n` : usage());
      return EXIT.ok;
    }
    return await (await command.load()).run(rest);
  } catch (err) {
    const prefix = command ? `wscompat ${name}` : 'wscompat';
    if (err instanceof UsageFault) {
      const hint = command ? `Run 'wscompat ${name} --help' for usage.` : `Run 'wscompat --help' for usage.`;
      process.stderr.write(`${prefix}: ${err.message}\n${hint}\n`);
      return EXIT.usage;
    }
    const failure = describeFailure(err);
    process.stderr.write(`${prefix}: ${failure.message}\n`);
    if (failure.stack !== undefined)
      process.stderr.write(
        process.env.WSCOMPAT_DEBUG ? `${failure.stack}\n` : 'Set WSCOMPAT_DEBUG=1 to see where.\n',
      );
    return failure.code;
  }
}

main(process.argv.slice(2)).then((code) => {
  // Servers keep the process alive on their own; only set the code for one-shot commands.
  process.exitCode = code;
});
