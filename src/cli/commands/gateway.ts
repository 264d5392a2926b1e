// `wscompat gateway`: accept clients of every draft and forward each to a ws://, wss:// or tcp:// upstream.
import {
  ConfigError,
  flagName,
  type RawSettings,
  readConfigFile,
  SETTINGS,
  toGatewayOptions,
} from '../../gateway/config.js';
import { createGateway } from '../../gateway/gateway.js';
import { jsonLine } from '../../gateway/log.js';
import { GatewayMetrics } from '../../gateway/metrics.js';
import { parseCommand, UsageFault } from '../args.js';
import { type Compression, compressionFlags, compressionFrom } from '../compression-flags.js';
import { CliFailure, EXIT, listenFailure } from '../failure.js';
import { isWorker, joinGroup, parseWorkers, runGroup } from '../workers.js';

const HELP = `usage: wscompat gateway --listen HOST:PORT --upstream URL [options]

Accepts WebSocket clients of every draft (hixie-75, hixie-76, hybi-07, hybi-10, RFC 6455) and gives
each its own RFC 6455 connection to URL (ws:// or wss://), or a TCP connection (tcp://, websockify mode).

  --listen HOST:PORT           address to listen on (':PORT' = all interfaces)
  --upstream URL               ws://HOST:PORT/PATH, wss://..., or tcp://HOST:PORT
  --config FILE                JSON file with any of these settings (camelCase keys); flags win
  --cert FILE --key FILE       terminate TLS (wss://) with this PEM certificate chain and key
  --allow-origin ORIGIN        allowed Origin (repeatable): https://a.example, a.example, *.example.com, *
  --rewrite REGEX=REPLACEMENT  rewrite the request path before forwarding (repeatable, first match wins)
  --binary-to-legacy MODE      upstream binary toward hixie clients: close (default), drop, base64, utf8, error
  --drafts LIST                client drafts accepted (default: all), e.g. rfc6455,hixie-76
  --client-idle-timeout DUR    close when the client sends nothing for DUR (e.g. 60s; default off)
  --upstream-idle-timeout DUR  the same for the upstream
  --idle-timeout DUR           keepalive: ping a silent client after DUR/2, close it after DUR (default off)
  --high-water-mark SIZE       pause one side while the other has SIZE buffered (default 1MiB)
  --max-payload SIZE           largest message from either side (default 16MiB)
  --max-buffered-bytes SIZE    bytes all clients may hold in unfinished messages; past it 1013 (default 256MiB)
  --max-connections N          concurrent clients; more get 503 (default unlimited)
  --handshake-timeout DUR      client handshake limit (default 10s)
  --connect-timeout DUR        upstream connect + handshake limit (default 10s)
  --shutdown-timeout DUR       on SIGTERM, wait this long for closes (default 10s)
  --drain-timeout DUR          the same (the name used with --workers)
  --workers N|auto             worker processes sharing the port (default 1; auto = CPU count);
                               /metrics sums them all, a crashed worker is replaced
  --trust-proxy                behind nginx/HAProxy: append to X-Forwarded-For, honour X-Forwarded-Proto
  --proxy-protocol             every connection starts with a PROXY v1/v2 header (HAProxy send-proxy-v2):
                               log and limit by the client address in it
  --upstream-ca FILE           CA certificate for a wss:// upstream
  --upstream-insecure          do not verify the wss:// upstream's certificate
  --health-path PATH           health check path (default /healthz; 'off' disables)
  --metrics-path PATH          Prometheus metrics path (default /metrics; 'off' disables)
  --quiet                      no JSON-lines log on stdout

compression (off by default on both sides; each side negotiates its own, messages cross inflated):
  --permessage-deflate         accept compression from clients: permessage-deflate (RFC 7692) on
                               hybi-07/08/13 and the legacy x-webkit-deflate-frame / deflate-frame
  --no-permessage-deflate      decline every client offer (overrides the config file)
  --deflate-threshold N        messages to clients shorter than N bytes go uncompressed (default 1024)
  --deflate-level N            zlib level 0-9 toward clients (default 6)
  --server-max-window-bits N   our compressor's window toward clients, 8-15 (default 15)
  --client-max-window-bits N   ask clients for this window, 8-15: inflate history per connection (2^N bytes)
  --server-no-context-takeover reset our compressor after every message to a client
  --client-no-context-takeover require clients to reset theirs
  --no-deflate-frame           permessage-deflate only, not the legacy deflate-frame offers
  --upstream-permessage-deflate
                               offer permessage-deflate to a ws:// or wss:// upstream
  --upstream-no-permessage-deflate
                               offer nothing upstream (overrides the config file)
  --upstream-deflate-threshold N, --upstream-deflate-level N,
  --upstream-server-max-window-bits N (ask the upstream to cap its window: our inflate history),
  --upstream-client-max-window-bits N (offer a smaller window of our own),
  --upstream-server-no-context-takeover, --upstream-client-no-context-takeover
                               the same tuning toward the upstream
  Each tuning flag implies its side's --[upstream-]permessage-deflate. In --config the keys are
  perMessageDeflate and upstreamPerMessageDeflate: true, false or the library's option object
  (e.g. {"threshold": 256, "serverMaxWindowBits": 10}); flags refine it field by field.

exit status: 0 drained after SIGTERM/SIGINT; 1 usage or configuration error;
6 cannot listen (port in use, address not on this machine) or read a file it was given.
`;

type FlagOption = { type: 'boolean' | 'string'; multiple?: boolean; short?: string };

const FLAGS: Record<string, FlagOption> = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string' },
  ...Object.fromEntries(
    Object.entries(SETTINGS)
      .filter(([, kind]) => kind !== 'compression')
      .map(([key, kind]) => [
        flagName(key),
        kind === 'list'
          ? { type: 'string', multiple: true }
          : { type: kind === 'boolean' ? 'boolean' : 'string' },
      ]),
  ),
  ...compressionFlags(''),
  ...compressionFlags('upstream-'),
};

/** Flags (kebab-case) over the config file (camelCase): the merged settings. */
function settingsFrom(argv: string[]): RawSettings | 'help' {
  const { values: flags, positionals } = parseCommand(argv, FLAGS);
  if (flags.help) return 'help';
  if (positionals.length > 0) throw new UsageFault(`unexpected argument '${positionals[0]}'`);
  const settings: Record<string, unknown> =
    typeof flags.config === 'string' ? { ...readConfigFile(flags.config) } : {};
  for (const [key, kind] of Object.entries(SETTINGS)) {
    const v = kind === 'compression' ? undefined : flags[flagName(key)];
    if (v !== undefined) settings[key] = v;
  }
  // The compression flags refine the file's value field by field (flags still win).
  const toClients = compressionFrom(flags, '', settings.perMessageDeflate as Compression | undefined);
  const toUpstream = compressionFrom(
    flags,
    'upstream-',
    settings.upstreamPerMessageDeflate as Compression | undefined,
  );
  if (toClients !== undefined) settings.perMessageDeflate = toClients;
  if (toUpstream !== undefined) settings.upstreamPerMessageDeflate = toUpstream;
  return settings as RawSettings;
}

export async function run(argv: string[]): Promise<number> {
  let built: ReturnType<typeof toGatewayOptions>;
  let workers: number;
  try {
    const settings = settingsFrom(argv);
    if (settings === 'help') {
      process.stdout.write(HELP);
      return 0;
    }
    built = toGatewayOptions(settings);
    workers = parseWorkers(settings.workers as string | undefined);
  } catch (err) {
    // A file that cannot be read is the machine's problem (6), not the command line's (1).
    if (err instanceof ConfigError && (err.cause as { code?: unknown } | undefined)?.code !== undefined)
      throw new CliFailure(err.message, EXIT.local);
    if (err instanceof ConfigError) throw new UsageFault(err.message);
    throw err;
  }
  if (workers > 1 && !isWorker) {
    const drainTimeout = built.options.shutdownTimeout ?? 10_000;
    return runGroup({ workers, drainTimeout, name: 'wscompat gateway' });
  }
  const log = built.quiet
    ? undefined
    : (r: Parameters<typeof jsonLine>[0]) => process.stdout.write(jsonLine(r));
  let gateway: ReturnType<typeof createGateway>;
  try {
    gateway = createGateway({ ...built.options, ...(log ? { log } : {}) });
  } catch (err) {
    if (err instanceof TypeError) throw new UsageFault(err.message);
    throw err;
  }
  const group = joinGroup(() => gateway.metrics.snapshot());
  if (isWorker) gateway.setMetricsSource(async () => GatewayMetrics.sum(await group()).render());
  return new Promise<number>((resolve, reject) => {
    gateway.on('error', (err: Error) => {
      const { host, port } = built.options;
      if (gateway.address() === null) reject(listenFailure(err, host ?? '0.0.0.0', port ?? 0));
      else process.stderr.write(`wscompat gateway: ${err.message}\n`);
    });
    // Graceful shutdown: stop accepting, close every connection with 1001, wait, exit.
    const stop = (): void => {
      gateway.close(() => resolve(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  }).then(
    (code) => {
      // Exit even if some stray handle (a slow peer's socket) would keep the loop alive.
      setImmediate(() => process.exit(code)).unref();
      return code;
    },
    (err: unknown) => {
      // The failure is main's to print; the exit code must still win over stray handles.
      setImmediate(() => process.exit(err instanceof CliFailure ? err.code : EXIT.internal)).unref();
      throw err;
    },
  );
}
