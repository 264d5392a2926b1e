// The `wscompat` command: dispatches to one module per subcommand, loaded only when used.
import { UsageFault } from './args.js';

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
  return `usage: wscompat <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'wscompat <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`wscompat: unknown command '${name}'\n\n${usage()}`);
    return 1;
  }
  try {
    return await (await command.load()).run(rest);
  } catch (err) {
    if (err instanceof UsageFault) {
      process.stderr.write(`wscompat ${name}: ${err.message}\nRun 'wscompat ${name} --help' for usage.\n`);
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Servers keep the process alive on their own; only set the code for one-shot commands.
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`wscompat: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
