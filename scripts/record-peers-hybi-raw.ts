// Raw-byte scenarios for rfc6455, hybi-10 and hybi-07: spec examples and bad input sent to real servers.
import { frame, head, MASK, rawClient } from './record-lib.js';
import { binary, close, fail, ping, type Scenario, text, VERSIONS } from './record-scenarios.js';
export type HybiDraft = 'rfc6455' | 'hybi-10' | 'hybi-07';

export const WS_VERSION = '8.23.0';
export const serverOf = (d: HybiDraft) => (d === 'hybi-07' ? 'driver070' : 'ws') as 'driver070' | 'ws';
export const serverName = (d: HybiDraft) =>
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

export function rawScenarios(d: HybiDraft): Scenario[] {
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
        serverProtocols: ['chat', 'superchat'],
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
