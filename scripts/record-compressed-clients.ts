// Records the compressed traces record-compressed.ts does not: our client (role client, rng recorded) against
// compressing servers (npm ws, Python websockets, our own with the legacy x-webkit-deflate-frame), the same
// deflate-frame connection seen from our server (role server), and a context-takeover run of npm ws against
// our server where each message refers back to the ones before. Run with
// `npx tsx scripts/record-compressed-clients.ts`; writes fixtures/rfc6455/*.trace.
import type { AddressInfo } from 'node:net';
import { createServer } from '../src/node/server.js';
import type { ExpectedEvent, ScriptedSend } from '../src/replay/fixture.js';
import { fixtureFromRecording } from '../src/replay/from-recording.js';
import { runLiveClient } from '../src/replay/live-client.js';
import type { RecordedConnection } from '../src/replay/recorder.js';
import { DEFAULTS, recordOne, writeTrace, wsSendInTurn } from './record-lib.js';
import { type PeerServer, startPythonServer, startWsServer } from './record-servers.js';

/** Every wscompat and ws server here runs with this option: one `serve` command line fits all their traces. */
const COMPRESSION = { threshold: 64 };
const LONG = JSON.stringify(
  Array.from({ length: 12 }, (_, i) => ({ id: i, user: `u${i % 3}`, ok: i % 2 === 0 })),
);
const text = (s: string): ScriptedSend => ({ type: 'text', data: Buffer.from(s) });
const SENDS: ScriptedSend[] = [
  text('Hello'),
  text(LONG),
  text(LONG),
  { type: 'close', code: 1000, reason: 'bye' },
];

/** Records our client against `port`; the role-client meta and the recording. */
async function ourClient(
  port: number,
  perMessageDeflate: { threshold: number; deflateFrame?: boolean },
): Promise<{ rec: RecordedConnection; url: string; rng: Buffer; events: ExpectedEvent[] }> {
  let result: Awaited<ReturnType<typeof runLiveClient>> | undefined;
  let url = '';
  const rec = await recordOne(port, async (proxy) => {
    url = `ws://127.0.0.1:${proxy}/`;
    result = await runLiveClient({ url, draft: 'rfc6455', sends: SENDS, perMessageDeflate, timeoutMs: 5000 });
  });
  if (!result?.accepted) throw new Error(`our client was refused: ${result?.refusal}`);
  return { rec, url, rng: result.rng, events: result.events };
}

function ourServer(): Promise<{ port: number; close: () => void }> {
  const server = createServer({ port: 0, host: '127.0.0.1', perMessageDeflate: COMPRESSION }, (conn) =>
    conn.on('message', (data: Buffer, isBinary: boolean) => conn.send(data, { binary: isBinary })),
  );
  return new Promise((resolve) =>
    server.on('listening', () =>
      resolve({ port: (server.address() as AddressInfo).port, close: () => server.close() }),
    ),
  );
}

async function clientTrace(
  name: string,
  port: number,
  source: string,
  o: { deflateFrame?: boolean; serverCompression?: typeof COMPRESSION } = {},
): Promise<RecordedConnection> {
  const option = { ...COMPRESSION, ...(o.deflateFrame ? { deflateFrame: true } : {}) };
  const r = await ourClient(port, option);
  const file = writeTrace(
    name,
    {
      ...DEFAULTS,
      draft: 'rfc6455',
      role: 'client',
      source,
      url: r.url,
      rng: r.rng,
      sends: SENDS,
      expectStatus: 101,
      expectHeaders: [],
      expectEvents: r.events,
      compression: option,
      ...(o.serverCompression ? { serverCompression: o.serverCompression } : {}),
    },
    r.rec,
  );
  console.log(`wrote ${file}`);
  return r.rec;
}

/** Five records sharing most of their text: from the second on, each compresses to references back. */
const RECORDS = Array.from({ length: 5 }, (_, i) =>
  JSON.stringify({ type: 'update', user: 'alice@example.com', room: 'general', seq: i, text: `status ${i}` }),
);

const wsContextTakeover = (port: number): Promise<void> => wsSendInTurn(port, RECORDS, { threshold: 0 });

async function main(): Promise<void> {
  const ours = await ourServer();
  const peers: PeerServer[] = [];
  try {
    const ws = await startWsServer({ perMessageDeflate: COMPRESSION });
    peers.push(ws);
    await clientTrace(
      'our-client-ws-server-permessage-deflate',
      ws.port,
      `our rfc6455 client (src/replay/live-client.ts, perMessageDeflate ${JSON.stringify(COMPRESSION)}) against the npm ws 8.23.0 server with perMessageDeflate ${JSON.stringify(COMPRESSION)}; rng recorded as drawn`,
    );
    const py = await startPythonServer();
    peers.push(py);
    await clientTrace(
      'our-client-python-server-permessage-deflate',
      py.port,
      `our rfc6455 client (src/replay/live-client.ts, perMessageDeflate ${JSON.stringify(COMPRESSION)}) against the Python websockets 10.4 server (Debian python3-websockets, its default compression); rng recorded as drawn`,
    );
    const legacy = await clientTrace(
      'our-client-deflate-frame',
      ours.port,
      `our rfc6455 client offering x-webkit-deflate-frame (perMessageDeflate ${JSON.stringify({ ...COMPRESSION, deflateFrame: true })}) against wscompat's server with perMessageDeflate ${JSON.stringify(COMPRESSION)}; rng recorded as drawn`,
      { deflateFrame: true, serverCompression: COMPRESSION },
    );
    const asServer = fixtureFromRecording(legacy.segments, {
      source: `our rfc6455 client offering x-webkit-deflate-frame against wscompat's server with perMessageDeflate ${JSON.stringify(COMPRESSION)} (the connection of our-client-deflate-frame.trace, seen from the server), recorded by scripts/record-compressed-clients.ts`,
      compression: COMPRESSION,
    });
    if (typeof asServer === 'string') throw new Error(asServer);
    console.log(`wrote ${writeTrace('our-server-deflate-frame', asServer, legacy)}`);
    const takeover = await recordOne(ours.port, wsContextTakeover);
    const ct = fixtureFromRecording(takeover.segments, {
      source: `npm ws 8.23.0 client (perMessageDeflate threshold 0, context takeover on) sending five records that share most of their text, against wscompat's server with perMessageDeflate ${JSON.stringify(COMPRESSION)}, recorded by scripts/record-compressed-clients.ts`,
      compression: COMPRESSION,
    });
    if (typeof ct === 'string') throw new Error(ct);
    console.log(`wrote ${writeTrace('ws-client-context-takeover', ct, takeover)}`);
  } finally {
    ours.close();
    await Promise.all(peers.map((p) => p.close()));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
