// Recorded scenarios for hixie-75 and hixie-76 against the websocket-driver 0.8.0 server (allowDrafts).
import { runLiveClient } from '../src/replay/live-client.js';
import { rubyClient } from './record-clients.js';
import { head, hixieText, rawClient } from './record-lib.js';
import { close, fail, type Scenario, text } from './record-scenarios.js';

const SERVER = 'websocket-driver 0.8.0 server (allowDrafts: true)';

/** drafts.md §10.1 vectors: Key1, Key2, key3 (hex). */
const H76: [string, string, string, string][] = [
  [
    'h76-1-spec-example',
    '4 @1  46546xW%0l 1 5',
    '12998 5 Y3 1  .P00',
    Buffer.from('^n:ds[4U').toString('hex'),
  ],
  [
    'h76-2',
    '18x 6]8vM;54 *(5:  {   U1]8  z [  8',
    '1_ tx7X d  <  nw  334J702) 7]o}` 0',
    Buffer.from('Tm[K T2u').toString('hex'),
  ],
  ['h76-3', '3e6b263  4 17 80', '17  9 G`ZD9   2 2b 7X 3 /r90', Buffer.from('WjN}|M(6').toString('hex')],
  ['h76-4', '1   38 wZ3f9 23O0 3l 0r', '27   0E 6 2  1665:< ;U 1H', '91253ed3a9e76a88'],
  ['h76-5', "36 7   74 i  92 2'm 9 0G", 'y  R2 48 Q1O4  e|BV3 i5 1  u- 65', '01d1dd3bd15663ff'],
  ['h76-6', '30  ;- 5=5 u 4 1  7336', ":2 8 G(  07A 93Ql 3 *20 Ox0G'w", '5d9fb0670fe4fa75'],
];

function req76(port: number, key1: string, key2: string, extra: string[] = []): Buffer {
  return head([
    'GET /demo HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    'Connection: Upgrade',
    `Sec-WebSocket-Key2: ${key2}`,
    'Upgrade: WebSocket',
    `Sec-WebSocket-Key1: ${key1}`,
    'Origin: http://example.com',
    ...extra,
  ]);
}

function req75(port: number, extra: string[] = []): Buffer {
  return head([
    'GET /demo HTTP/1.1',
    'Upgrade: WebSocket',
    'Connection: Upgrade',
    `Host: 127.0.0.1:${port}`,
    'Origin: http://example.com',
    ...extra,
  ]);
}

type Raw = (
  name: string,
  source: string,
  build: (port: number) => Buffer[],
  m: Partial<Scenario['meta']>,
  end?: boolean,
) => Scenario;

function rawFor(draft: 'hixie-75' | 'hixie-76'): Raw {
  return (name, source, build, m, end) => ({
    name,
    server: 'driver',
    meta: {
      draft,
      role: 'server',
      source: `${source}; raw bytes sent to the ${SERVER} by scripts/record-peers.ts`,
      expectStatus: 101,
      expectEvents: [],
      ...m,
    },
    run: async (port) => {
      await rawClient(port, build(port), end === undefined ? {} : { end });
      return undefined;
    },
  });
}

const CLOSE76 = Buffer.from([0xff, 0x00]);

function hixie76(): Scenario[] {
  const raw = rawFor('hixie-76');
  const out: Scenario[] = H76.map(([name, k1, k2, k3]) =>
    raw(
      name,
      `drafts.md §10.1 ${name} hixie-76 handshake vector, then "Hello" and the FF 00 close`,
      (p) => [Buffer.concat([req76(p, k1, k2), Buffer.from(k3, 'hex')]), hixieText('Hello'), CLOSE76],
      { expectEvents: [text('Hello'), close(1005)] },
    ),
  );
  const [, k1, k2, k3] = H76[0]!;
  out.push(
    raw(
      'key3-in-own-segment',
      'drafts.md §2: key3 arriving in a later TCP segment (mod_websocket #4, websocketpp #101)',
      (p) => [
        req76(p, k1, k2),
        Buffer.from(k3, 'hex'),
        Buffer.concat([hixieText('a'), hixieText('b')]),
        CLOSE76,
      ],
      { expectEvents: [text('a'), text('b'), close(1005)] },
    ),
    raw(
      'frames-skip-and-apple',
      'drafts.md §10.2: a length-prefixed frame skipped, the Apple-logo U+F8FF, "\\n\\0"',
      (p) => [
        Buffer.concat([req76(p, k1, k2), Buffer.from(k3, 'hex')]),
        Buffer.from('80024865', 'hex'),
        Buffer.concat([
          hixieText('Hello'),
          Buffer.from('004170706c65203d20efa3bfff', 'hex'),
          Buffer.from('000a00ff', 'hex'),
        ]),
        CLOSE76,
      ],
      { expectEvents: [text('Hello'), text('Apple = \uf8ff'), text('\n\0'), close(1005)] },
    ),
    raw(
      'bad-key-not-multiple',
      'drafts.md §10.1 negative vector: Key1 "2 L785 8o% s9Sy9@V. 4<1P5" (2785899415 mod 4 != 0)',
      (p) => [Buffer.concat([req76(p, '2 L785 8o% s9Sy9@V. 4<1P5', k2), Buffer.from(k3, 'hex')])],
      { expectStatus: 400 },
    ),
    raw(
      'bad-key-no-spaces',
      'drafts.md §10.1 negative vector: Key1 "3e6b6341780" has no spaces (Ratchet)',
      (p) => [Buffer.concat([req76(p, '3e6b6341780', k2), Buffer.from(k3, 'hex')])],
      { expectStatus: 400 },
    ),
  );
  out.push({
    name: 'ruby-websocket-client-76',
    server: 'driver',
    meta: {
      draft: 'hixie-76',
      role: 'server',
      source: `ruby websocket gem 1.2.9 client (version 76, scripts/record-ruby-client.rb) against the ${SERVER}`,
      expectStatus: 101,
      expectEvents: [text('Hello'), text('from ruby 76'), close(1005)],
    },
    run: async (port) => {
      await rubyClient(`ws://127.0.0.1:${port}/ruby`, 76, [], ['Hello', 'from ruby 76']);
      return undefined;
    },
  });
  out.push(ourClient('hixie-76', ['Hello', 'é']));
  out.push(ourClient('hixie-76', ['x'.repeat(1000)], 'our-client-long'));
  out.push({
    name: 'ruby-websocket-client-76-three',
    server: 'driver',
    meta: {
      draft: 'hixie-76',
      role: 'server',
      source: `ruby websocket gem 1.2.9 client (version 76, scripts/record-ruby-client.rb) sending three messages, against the ${SERVER}`,
      expectStatus: 101,
      expectEvents: [text('1'), text('22'), text('ü'.repeat(70)), close(1005)],
    },
    run: async (port) => {
      await rubyClient(`ws://127.0.0.1:${port}/three`, 76, [], ['1', '22', 'ü'.repeat(70)]);
      return undefined;
    },
  });
  return out;
}

function hixie75(): Scenario[] {
  const raw = rawFor('hixie-75');
  const out: Scenario[] = [
    raw(
      'spec-request-hello',
      'hixie-75 request example (drafts.md §1, as quoted by CocoaHTTPServer) and "Hello"',
      (p) => [req75(p), hixieText('Hello')],
      { expectEvents: [text('Hello')] },
    ),
    raw(
      'two-frames-one-chunk',
      'drafts.md §10.2: two "Hello" frames back to back in one chunk',
      (p) => [req75(p), Buffer.concat([hixieText('Hello'), hixieText('Hello')])],
      { expectEvents: [text('Hello'), text('Hello')] },
    ),
    raw(
      'split-frame',
      'drafts.md §10.2: "00 48 65 6c" then "6c 6f ff" gives "Hello"',
      (p) => [req75(p), Buffer.from('0048656c', 'hex'), Buffer.from('6c6fff', 'hex')],
      { expectEvents: [text('Hello')] },
    ),
    raw(
      'length-prefixed-skipped',
      'drafts.md §10.2: "80 02 48 65" is read and discarded, then "Hello"',
      (p) => [req75(p), Buffer.from('800248650048656c6c6fff', 'hex')],
      { expectEvents: [text('Hello')] },
    ),
    raw(
      'apple-logo',
      'drafts.md §10.2: "Apple = " followed by U+F8FF',
      (p) => [req75(p), Buffer.from('004170706c65203d20efa3bfff', 'hex')],
      { expectEvents: [text('Apple = \uf8ff')] },
    ),
    raw(
      'nul-inside',
      'drafts.md §10.2: "00 0a 00 ff" gives "\\n\\0"',
      (p) => [req75(p), Buffer.from('000a00ff', 'hex')],
      { expectEvents: [text('\n\0')] },
    ),
    raw(
      'ff00-is-not-close',
      'drafts.md §1: under 75, FF 00 is a zero-length frame that is discarded, not a close',
      (p) => [req75(p), Buffer.from('ff00', 'hex'), hixieText('after')],
      { expectEvents: [text('after')] },
    ),
    raw(
      'spec-request-protocol',
      'hixie-75 request with WebSocket-Protocol: sample (drafts.md §1)',
      (p) => [req75(p, ['WebSocket-Protocol: sample']), hixieText('Hello')],
      {
        serverProtocols: ['sample'],
        expectEvents: [text('Hello')],
        varyHeaders: ['WebSocket-Protocol'],
        expectHeaders: [['WebSocket-Protocol', 'sample']],
        notes: [
          'websocket-driver 0.8.0 does not echo WebSocket-Protocol; drafts.md §1 says it is echoed when sent',
        ],
      },
    ),
    raw(
      'bad-length-overflow',
      'drafts.md §10.2: "ff ff ff ff ff ff ff ff ff ff 00" (em-websocket) must be rejected',
      (p) => [req75(p), Buffer.from('ffffffffffffffffffff00', 'hex')],
      { expectEvents: [fail('LENGTH_OVERFLOW', 1009)] },
      false,
    ),
  ];
  out.push({
    name: 'ruby-websocket-client-75',
    server: 'driver',
    meta: {
      draft: 'hixie-75',
      role: 'server',
      source: `ruby websocket gem 1.2.9 client (version 75, scripts/record-ruby-client.rb) against the ${SERVER}`,
      expectStatus: 101,
      expectEvents: [text('Hello'), text('from ruby 75')],
    },
    run: async (port) => {
      await rubyClient(`ws://127.0.0.1:${port}/ruby`, 75, [], ['Hello', 'from ruby 75']);
      return undefined;
    },
  });
  out.push(ourClient('hixie-75', ['Hello', 'é']));
  out.push(ourClient('hixie-75', ['x'.repeat(1000)], 'our-client-long'));
  out.push({
    name: 'ruby-websocket-client-75-three',
    server: 'driver',
    meta: {
      draft: 'hixie-75',
      role: 'server',
      source: `ruby websocket gem 1.2.9 client (version 75, scripts/record-ruby-client.rb) sending three messages, against the ${SERVER}`,
      expectStatus: 101,
      expectEvents: [text('1'), text('22'), text('ü'.repeat(70))],
    },
    run: async (port) => {
      await rubyClient(`ws://127.0.0.1:${port}/three`, 75, [], ['1', '22', 'ü'.repeat(70)]);
      return undefined;
    },
  });
  return out;
}

function ourClient(draft: 'hixie-75' | 'hixie-76', messages: string[], name = 'our-client-echo'): Scenario {
  const sends = [
    ...messages.map((m) => ({ type: 'text' as const, data: Buffer.from(m) })),
    ...(draft === 'hixie-76' ? [{ type: 'close' as const }] : []),
  ];
  return {
    name,
    server: 'driver',
    meta: {
      draft,
      role: 'client',
      source: `our ${draft} client (src/replay/live-client.ts over the sans-I/O draft) against the ${SERVER}; rng recorded as drawn`,
      expectStatus: 101,
      sends,
      expectEvents: [...messages.map(text), ...(draft === 'hixie-76' ? [close(1005)] : [])],
    },
    run: async (port) => {
      const url = `ws://127.0.0.1:${port}/our`;
      const r = await runLiveClient({ url, draft, origin: 'http://127.0.0.1', sends });
      if (!r.accepted) throw new Error(`our ${draft} client was refused: ${r.refusal}`);
      return { url, origin: 'http://127.0.0.1', rng: r.rng };
    },
  };
}

/** Hixie-75 has no closing handshake: the TCP end is the close, reported as a clean 1005 (docs/api.md). */
function tcpEndIsClose(s: Scenario): Scenario {
  const last = s.meta.expectEvents.at(-1);
  if (
    s.meta.draft !== 'hixie-75' ||
    s.meta.role !== 'server' ||
    s.meta.expectStatus !== 101 ||
    last?.type === 'fail'
  )
    return s;
  return { ...s, meta: { ...s.meta, expectEvents: [...s.meta.expectEvents, close(1005)] } };
}

export function hixieScenarios(): Scenario[] {
  return [...hixie76(), ...hixie75().map(tcpEndIsClose)];
}
