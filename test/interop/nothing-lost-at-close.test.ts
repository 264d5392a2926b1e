// issue 10 item 2: a message and the close (or a protocol violation) in ONE TCP write. The echo of the
// message must arrive before the close, on every draft, direct and through the gateway (RFC 6455 §5.5.1:
// an endpoint may finish what it sends until its own close frame is written). 100 of 100, not one lucky run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../../src/core/rng.js';
import type { DraftId } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { WsServer } from '../../src/node/server.js';
import { closeGateway, echoUpstream, startGateway, type Upstream } from '../gateway/helpers.js';
import { closeServer, startEchoServer } from '../node/helpers.js';
import { RawPeer } from '../support/raw-peer.js';

const ROUNDS = 100;
/** Connections in flight at once: keeps 100 rounds within a few seconds on a loaded machine. */
const PARALLEL = 10;

type Case = {
  readonly name: string;
  /** Frames after the message, and whether our FIN goes in the same write (hixie-75's close). */
  readonly after: (draft: DraftId) => { frames: Buffer[]; fin: boolean };
  /** What the client must see after the echo: the close the server answers with. */
  readonly close: (draft: DraftId, via: 'direct' | 'gateway') => string | undefined;
};

const HYBI: readonly DraftId[] = ['rfc6455', 'hybi-10', 'hybi-07'];
const ALL: readonly DraftId[] = [...HYBI, 'hixie-76', 'hixie-75'];

function clientEncode(draft: DraftId, message: Parameters<ReturnType<typeof codecOf>['encode']>[0]): Buffer {
  return codecOf(draft).encode(message);
}

function codecOf(draft: DraftId) {
  return getDraft(draft).createCodec('client', { maxPayload: 1 << 20, rng: seededRng(3) });
}

/** A hixie length-prefixed frame whose length never ends (LENGTH_OVERFLOW); a hybi reserved opcode 0x3. */
function badFrame(draft: DraftId): Buffer {
  if (draft.startsWith('hixie')) return Buffer.from([0x80, ...new Array(12).fill(0xff)]);
  return Buffer.from([0x83, 0x80, 1, 2, 3, 4]);
}

const CASES: readonly Case[] = [
  {
    name: 'message + close',
    after: (draft) =>
      draft === 'hixie-75'
        ? { frames: [], fin: true }
        : { frames: [clientEncode(draft, { type: 'close', code: 1000, reason: 'bye' })], fin: false },
    close: (draft) => (draft.startsWith('hixie') ? 'close:1005:' : 'close:1000:bye'),
  },
  {
    name: 'message + ping + bad frame',
    after: (draft) => ({
      frames: draft.startsWith('hixie')
        ? [badFrame(draft)]
        : [clientEncode(draft, { type: 'ping', data: Buffer.from('p') }), badFrame(draft)],
      fin: false,
    }),
    // Hixie has no close frame to report a fault with: the TCP close is the answer (hixie-75: its close).
    close: (draft) =>
      draft === 'hixie-75' ? 'close:1005:' : draft === 'hixie-76' ? undefined : 'close:1002:',
  },
  {
    name: 'message + close with a reason',
    after: (draft) =>
      draft === 'hixie-75'
        ? { frames: [], fin: true }
        : { frames: [clientEncode(draft, { type: 'close', code: 4000, reason: 'reason ✓' })], fin: false },
    close: (draft) => (draft.startsWith('hixie') ? 'close:1005:' : 'close:4000:reason ✓'),
  },
];

async function oneRound(port: number, draft: DraftId, c: Case, round: number): Promise<string[]> {
  const peer = await RawPeer.open(port, draft, '/', round + 1);
  try {
    const text = `m${round}`;
    const { frames, fin } = c.after(draft);
    peer.write([clientEncode(draft, { type: 'text', data: text }), ...frames], fin);
    await peer.until(() => peer.closed, 'the server to close TCP');
    return peer.summary().filter((e) => e !== 'ping' && e !== 'pong');
  } finally {
    peer.destroy();
  }
}

async function rounds(port: number, draft: DraftId, c: Case, via: 'direct' | 'gateway'): Promise<void> {
  const expected = [...['text:'], ...(c.close(draft, via) === undefined ? [] : [c.close(draft, via)])];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ROUNDS) {
      const round = next++;
      const seen = await oneRound(port, draft, c, round);
      expected[0] = `text:m${round}`;
      expect(seen, `${draft} ${c.name} round ${round}`).toEqual(expected);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

describe('the echo arrives before the close, direct (our server, 100 of 100)', () => {
  let server: WsServer;
  let port: number;
  beforeAll(async () => {
    ({ server, port } = await startEchoServer());
  });
  afterAll(() => closeServer(server));

  for (const draft of ALL)
    for (const c of CASES) it(`${draft}: ${c.name}`, () => rounds(port, draft, c, 'direct'), 30_000);
});

describe('the echo arrives before the close, through the gateway (upstream ws, 100 of 100)', () => {
  let upstream: Upstream;
  let gw: Gateway;
  let port: number;
  beforeAll(async () => {
    upstream = await echoUpstream();
    const started = await startGateway({ upstream: upstream.url });
    gw = started.gw;
    port = gw.address().port;
  });
  afterAll(async () => {
    await closeGateway(gw);
    await upstream.close();
  });

  for (const draft of ALL)
    for (const c of CASES) it(`${draft}: ${c.name}`, () => rounds(port, draft, c, 'gateway'), 30_000);
});
