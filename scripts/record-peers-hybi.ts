// Recorded scenarios for rfc6455 (v13), hybi-10 (v8) and hybi-07 (v7) with real clients; raw bytes in record-peers-hybi-raw.ts.
import { runLiveClient } from '../src/replay/live-client.js';
import { chromiumClient, rubyClient, websocketNodeClient, wsClient } from './record-clients.js';
import { type HybiDraft, rawScenarios, serverName, serverOf, WS_VERSION } from './record-peers-hybi-raw.js';
import { binary, close, ping, type Scenario, text, VERSIONS } from './record-scenarios.js';

function realClients(d: HybiDraft): Scenario[] {
  const v = VERSIONS[d];
  const out: Scenario[] = [];
  const server = serverOf(d);
  const meta = (source: string, m: Partial<Scenario['meta']>) => ({
    draft: d,
    role: 'server' as const,
    source,
    expectStatus: 101,
    expectEvents: [],
    ...m,
  });
  if (v !== 7) {
    out.push({
      name: `ws-client-v${v}-echo`,
      server,
      meta: meta(
        `npm ws ${WS_VERSION} client (protocolVersion ${v}, default permessage-deflate offer) against the ${serverName(d)}, recorded through src/replay/recorder.ts by scripts/record-peers.ts`,
        {
          varyHeaders: [],
          expectEvents: [
            text('Hello'),
            binary(Buffer.from([1, 2, 3])),
            ping('p'),
            text('é∑'),
            close(1000, 'bye'),
          ],
        },
      ),
      run: async (port) => {
        await wsClient(`ws://127.0.0.1:${port}/echo`, {
          version: v,
          sends: ['Hello', Buffer.from([1, 2, 3]), { ping: Buffer.from('p') }, 'é∑'],
          close: [1000, 'bye'],
        });
        return undefined;
      },
    });
    out.push({
      name: `ws-client-v${v}-protocol`,
      server,
      meta: meta(
        `npm ws ${WS_VERSION} client offering chat, superchat against the ${serverName(d)} (selects the first)`,
        {
          serverProtocols: ['chat', 'superchat'],
          expectEvents: [text('x'.repeat(300)), close(1001)],
        },
      ),
      run: async (port) => {
        await wsClient(`ws://127.0.0.1:${port}/chat?room=1`, {
          version: v,
          protocols: ['chat', 'superchat'],
          sends: ['x'.repeat(300)],
          close: [1001, ''],
        });
        return undefined;
      },
    });
    out.push({
      name: `websocket-node-client-v${v}`,
      server,
      meta: meta(`npm websocket 1.0.35 client (webSocketVersion ${v}) against the ${serverName(d)}`, {
        expectEvents: [text('one'), text('two'), close(1000, 'done')],
      }),
      run: async (port) => {
        await websocketNodeClient(`ws://127.0.0.1:${port}/`, {
          version: v,
          sends: ['one', 'two'],
          close: [1000, 'done'],
        });
        return undefined;
      },
    });
  }
  out.push({
    name: `ruby-websocket-client-v${v}`,
    server,
    meta: meta(
      `ruby websocket gem 1.2.9 client (version ${v}, scripts/record-ruby-client.rb) against the ${serverName(d)}`,
      {
        expectEvents: [text('Hello'), text('from ruby'), close(1000)],
      },
    ),
    run: async (port) => {
      await rubyClient(`ws://127.0.0.1:${port}/ruby`, v, [], ['Hello', 'from ruby']);
      return undefined;
    },
  });
  out.push({
    name: `ruby-websocket-client-v${v}-three`,
    server,
    meta: meta(
      `ruby websocket gem 1.2.9 client (version ${v}, scripts/record-ruby-client.rb) sending three messages, against the ${serverName(d)}`,
      {
        expectEvents: [text('1'), text('22'), text('ü'.repeat(70)), close(1000)],
      },
    ),
    run: async (port) => {
      await rubyClient(`ws://127.0.0.1:${port}/three`, v, [], ['1', '22', 'ü'.repeat(70)]);
      return undefined;
    },
  });
  if (v === 13)
    out.push({
      name: 'ws-client-v13-large',
      server,
      meta: meta(
        `npm ws ${WS_VERSION} client sending a 70000-byte text message (64-bit length) to the ${serverName(d)}`,
        {
          expectEvents: [text('z'.repeat(70000)), close(1000)],
        },
      ),
      run: async (port) => {
        await wsClient(`ws://127.0.0.1:${port}/large`, {
          version: 13,
          sends: ['z'.repeat(70000)],
          close: [1000, ''],
        });
        return undefined;
      },
    });
  if (v === 13)
    out.push({
      name: 'chromium-permessage-deflate-offer',
      server,
      meta: meta(
        `headless Chromium (Debian /usr/bin/chromium via playwright-core) against the ${serverName(d)} without deflate: the request carries Chromium's permessage-deflate offer`,
        {
          expectEvents: [text('Hello'), binary(Buffer.from([0, 255])), close(1000, 'done')],
        },
      ),
      run: async (port) => {
        await chromiumClient(`ws://127.0.0.1:${port}/chromium`, [], ['Hello'], [0, 255]);
        return undefined;
      },
    });
  for (const [suffix, protocols, sends] of [
    [
      'echo',
      [],
      [
        { type: 'text', data: Buffer.from('Hello') },
        { type: 'binary', data: Buffer.from([9, 8, 7]) },
      ],
    ],
    ['protocol', ['chat'], [{ type: 'text', data: Buffer.from('ü'.repeat(100)) }]],
  ] as const) {
    const sendList = [...sends, { type: 'close' as const, code: 1000, reason: '' }];
    out.push({
      name: `our-client-v${v}-${suffix}`,
      server,
      meta: {
        draft: d,
        role: 'client',
        source: `our ${d} client (src/replay/live-client.ts over the sans-I/O draft) against the ${serverName(d)}; rng recorded as drawn`,
        expectStatus: 101,
        protocols: [...protocols],
        serverProtocols: [...protocols],
        sends: sendList,
        expectEvents: [
          ...sends.map((s) => (s.type === 'text' ? text(s.data.toString()) : binary(s.data))),
          close(1000),
        ],
      },
      run: async (port) => {
        const url = `ws://127.0.0.1:${port}/our`;
        const r = await runLiveClient({
          url,
          draft: d,
          protocols,
          origin: 'http://127.0.0.1',
          sends: sendList,
        });
        if (!r.accepted) throw new Error(`our ${d} client was refused: ${r.refusal}`);
        return { url, origin: 'http://127.0.0.1', rng: r.rng };
      },
    });
  }
  return out;
}

export function hybiScenarios(): Scenario[] {
  return (['rfc6455', 'hybi-10', 'hybi-07'] as const).flatMap((d) => [...realClients(d), ...rawScenarios(d)]);
}
