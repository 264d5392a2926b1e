// Recorded scenarios for rfc6455 (v13), hybi-10 (v8) and hybi-07 (v7): real clients, spec bytes, bad input.
import { runLiveClient } from '../src/replay/live-client.js';
import { chromiumClient, rubyClient, websocketNodeClient, wsClient } from './record-clients.js';
import { frame, head, MASK, rawClient } from './record-lib.js';
import { binary, close, fail, ping, type Scenario, text, VERSIONS } from './record-scenarios.js';

type HybiDraft = 'rfc6455' | 'hybi-10' | 'hybi-07';

const WS_VERSION = '8.23.0';
const serverOf = (d: HybiDraft) => (d === 'hybi-07' ? 'driver070' : 'ws') as 'driver070' | 'ws';
const serverName = (d: HybiDraft) =>
  d === 'hybi-07' ? 'websocket-driver 0.7.0 server' : `ws ${WS_VERSION} server`;

function request(d: HybiDraft, port: number, extra: string[] = [], key = 'dGhlIHNhbXBsZSBub25jZQ=='): Buffer {
  const origin = d === 'rfc6455' ? 'Origin' : 'Sec-WebSocket-Origin';
  return head([
    'GET /chat HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    `${origin}: http://example.com`,
    `Sec-WebSocket-Version: ${VERSIONS[d]}`,
    ...extra,
  ]);
}

const closeBody = (code: number, reason = '') =>
  Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]);

function rawScenarios(d: HybiDraft): Scenario[] {
  const v = VERSIONS[d];
  const raw = (
    name: string,
    source: string,
    build: (port: number) => Buffer[],
    m: Partial<Scenario['meta']>,
  ) => ({
    name,
    server: serverOf(d),
    meta: {
      draft: d,
      role: 'server' as const,
      source: `${source}; raw bytes sent to the ${serverName(d)} by scripts/record-peers.ts`,
      expectStatus: 101,
      expectEvents: [],
      ...m,
    },
    run: async (port: number) => {
      await rawClient(port, build(port));
      return undefined;
    },
  });
  const hello = frame(1, 'Hello', { mask: MASK });
  const bye = frame(8, closeBody(1000), { mask: MASK });
  const big = Buffer.alloc(65536, 0x61);
  return [
    raw(
      `spec-hello-v${v}`,
      'RFC 6455 §1.3 handshake (key "the sample nonce") and §5.7 masked "Hello"',
      (p) => [request(d, p, ['Sec-WebSocket-Protocol: chat, superchat']), hello, bye],
      {
        serverProtocols: d === 'hybi-07' ? [] : ['chat', 'superchat'],
        expectEvents: [text('Hello'), close(1000)],
      },
    ),
    raw(
      `spec-fragments-ping-v${v}`,
      'RFC 6455 §5.7 fragmented "Hel"+"lo" and a masked ping "Hello"',
      (p) => [
        request(d, p),
        frame(1, 'Hel', { mask: MASK, fin: false }),
        Buffer.concat([frame(9, 'Hello', { mask: MASK }), frame(0, 'lo', { mask: MASK })]),
        bye,
      ],
      { expectEvents: [ping('Hello'), text('Hello'), close(1000)] },
    ),
    raw(
      `spec-binary-256-64k-v${v}`,
      'RFC 6455 §5.7 256-byte and 64 KiB binary frames, masked',
      (p) => [
        request(d, p),
        frame(2, Buffer.alloc(256, 7), { mask: MASK }),
        frame(2, big, { mask: MASK }),
        bye,
      ],
      { expectEvents: [binary(Buffer.alloc(256, 7)), binary(big), close(1000)] },
    ),
    raw(
      `bad-unmasked-v${v}`,
      'RFC 6455 §5.1: unmasked client frame "81 05 Hello" (§5.7), must fail',
      (p) => [request(d, p), frame(1, 'Hello')],
      {
        expectEvents: [fail('UNMASKED_FRAME', 1002)],
        ...(d === 'hybi-07'
          ? {
              stream: 'ignore' as const,
              notes: [
                'websocket-driver 0.7.0 closes an unmasked frame with 1003; RFC 6455 §7.4.1 makes it a protocol error, 1002',
              ],
            }
          : {}),
      },
    ),
    raw(
      `bad-reserved-opcode-v${v}`,
      'RFC 6455 §5.2: reserved opcode 3 (em-websocket framing_spec "83 05 Hello")',
      (p) => [request(d, p), frame(3, 'Hello', { mask: MASK })],
      {
        expectEvents: [fail('RESERVED_OPCODE', 1002)],
      },
    ),
    raw(
      `bad-rsv1-v${v}`,
      'RFC 6455 §5.2: RSV1 set without a negotiated extension',
      (p) => [request(d, p), frame(1, 'Hello', { mask: MASK, rsv: 0x40 })],
      {
        expectEvents: [fail('RESERVED_BITS', 1002)],
      },
    ),
    raw(
      `bad-ping-126-v${v}`,
      'RFC 6455 §5.5: a 126-byte ping (control frames carry at most 125)',
      (p) => [request(d, p), frame(9, Buffer.alloc(126, 1), { mask: MASK })],
      {
        expectEvents: [fail('CONTROL_FRAME_TOO_BIG', 1002)],
      },
    ),
    ...(v === 13 ? rfcOnly(raw) : []),
    raw(
      `spec-close-reason-v${v}`,
      'RFC 6455 §5.5.1/§7.4: a masked close 1001 with the reason "going away"',
      (p) => [request(d, p), frame(8, closeBody(1001, 'going away'), { mask: MASK })],
      {
        expectEvents: [close(1001, 'going away')],
      },
    ),
    raw(
      `spec-masked-pong-v${v}`,
      'RFC 6455 §5.7 masked pong "8a 85 37 fa 21 3d 7f 9f 4d 51 58" (unsolicited), then close',
      (p) => [request(d, p), frame(10, 'Hello', { mask: MASK }), bye],
      {
        expectEvents: [{ type: 'pong', data: Buffer.from('Hello') }, close(1000)],
      },
    ),
    ...(v === 8
      ? [
          raw(
            'bad-missing-key-v8',
            'hybi-08 §4.2.1 (as RFC 6455): a v8 request without Sec-WebSocket-Key must be refused',
            (p) => [
              head([
                'GET /chat HTTP/1.1',
                `Host: 127.0.0.1:${p}`,
                'Upgrade: websocket',
                'Connection: Upgrade',
                'Sec-WebSocket-Origin: http://example.com',
                'Sec-WebSocket-Version: 8',
              ]),
            ],
            { expectStatus: 400 },
          ),
        ]
      : []),
    raw(
      `bad-close-one-byte-v${v}`,
      'RFC 6455 §5.5.1: a close frame body of one byte',
      (p) => [request(d, p), frame(8, Buffer.from([3]), { mask: MASK })],
      {
        expectEvents: [fail('INVALID_CLOSE_PAYLOAD', 1002)],
      },
    ),
  ];
}

function rfcOnly(
  raw: (
    name: string,
    source: string,
    build: (port: number) => Buffer[],
    m: Partial<Scenario['meta']>,
  ) => Scenario,
): Scenario[] {
  const d = 'rfc6455';
  return [
    raw(
      'bad-invalid-utf8',
      'RFC 6455 §8.1: text frame with invalid UTF-8 (ce ba e1 bd 80 ed a0 80 ...) must fail with 1007',
      (p) => [
        request(d, p),
        frame(1, Buffer.from('cebae1bdb9cf83cebcceb5eda080656469746564', 'hex'), { mask: MASK }),
      ],
      {
        expectEvents: [fail('INVALID_UTF8', 1007)],
      },
    ),
    raw(
      'seed-talk-typo-key',
      'drafts.md §11: the seed talk key typo dGhllHNh... is still a valid 16-byte key, accept RQvuTHz4r1PYOZZYPYfEUtnWMqY=',
      (p) => [request(d, p, [], 'dGhllHNhbXBsZSBub25jZQ=='), frame(8, closeBody(1000), { mask: MASK })],
      {
        expectEvents: [close(1000)],
      },
    ),
    raw(
      'bad-version-25',
      'RFC 6455 §4.4: Sec-WebSocket-Version 25 must be refused with the supported version list',
      (p) => [
        head([
          `GET /chat HTTP/1.1`,
          `Host: 127.0.0.1:${p}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 25',
        ]),
      ],
      {
        expectStatus: 426,
        expectHeaders: [['Sec-WebSocket-Version', '13, 8, 7']],
        notes: [
          'ws answers 400 with "Sec-WebSocket-Version: 13, 8"; our policy (drafts.md §6) is 426 with 13, 8, 7',
        ],
      },
    ),
    raw(
      'bad-missing-key',
      'RFC 6455 §4.2.1: a v13 request without Sec-WebSocket-Key must be refused',
      (p) => [
        head([
          `GET /chat HTTP/1.1`,
          `Host: 127.0.0.1:${p}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Version: 13',
        ]),
      ],
      {
        expectStatus: 400,
      },
    ),
  ];
}

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
