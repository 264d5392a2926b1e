// Shared set-up for Connection tests: a connection open over a FakeTransport, a peer codec, an event log.
import { Connection } from '../../src/connection/connection.js';
import { OPEN } from '../../src/connection/internal.js';
import { seededRng } from '../../src/core/rng.js';
import type { CodecEvent, DraftId, Rng, Role } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';
import { FakeTransport } from './fake-transport.js';

export const OPTS = { maxPayload: 1 << 20, rng: seededRng(7) };

/** A connection opened over a FakeTransport with no listeners attached, its codec made with `codecOptions`. */
export function openOver(
  draftId: DraftId,
  role: Role = 'server',
  codecOptions: { maxPayload: number; rng: Rng } = OPTS,
  emitOpen = false,
) {
  const draft = getDraft(draftId);
  const conn = new Connection({ draft: draftId, caps: draft.caps, role, url: '/t', closeTimeout: 5000 });
  const transport = new FakeTransport();
  return {
    conn,
    transport,
    /** Called once the caller attached its listeners. */
    open: (protocol = 'p') =>
      conn[OPEN]({
        transport,
        codec: draft.createCodec(role, codecOptions),
        protocol,
        extensions: '',
        emitOpen,
      }),
  };
}

export function setup(draftId: DraftId, role: Role = 'server', emitOpen = false) {
  const { conn, transport, open } = openOver(draftId, role, OPTS, emitOpen);
  const peer = getDraft(draftId).createCodec(role === 'server' ? 'client' : 'server', OPTS);
  const log: unknown[][] = [];
  for (const name of ['open', 'message', 'ping', 'pong', 'close', 'error', 'drain'] as const)
    conn.on(name, (...args: unknown[]) => log.push([name, ...args]));
  open();
  /** What the peer decodes from everything we wrote since the last call. */
  let seen = 0;
  const peerReads = (): CodecEvent[] => {
    const out = transport.output();
    const events = peer.push(Buffer.from(out.subarray(seen)));
    seen = out.length;
    return events;
  };
  return { conn, transport, peer, log, peerReads };
}

/** A client connection still CONNECTING (no transport yet). */
export function connecting(draftId: DraftId = 'rfc6455'): Connection {
  const draft = getDraft(draftId);
  return new Connection({
    draft: draftId,
    caps: draft.caps,
    role: 'client',
    url: 'ws://x/',
    closeTimeout: 1,
  });
}
