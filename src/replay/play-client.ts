// In-process replay with our client under test: buildRequest(replayRng) -> verify the answer -> client codec.
import { readHandshakeResponse } from '../core/client-handshake.js';
import { replayRng } from '../core/rng.js';
import type { ClientRequest, Codec, OutboundMessage } from '../core/types.js';
import { getDraft } from '../drafts.js';
import { createCompression, resolveCompression } from '../node/compression-options.js';
import type { Fixture, ScriptedSend } from './fixture.js';
import { HANDSHAKE_REFUSED, type Outcome, toExpected } from './outcome.js';
import { REPLAY_MAX_PAYLOAD } from './play-server.js';

export function toOutbound(s: ScriptedSend): OutboundMessage {
  if (s.type !== 'close') return { type: s.type, data: s.data };
  return {
    type: 'close',
    ...(s.code !== undefined ? { code: s.code } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
  };
}

/** Build our client's request for a fixture: the same bytes every time, thanks to the recorded rng. */
export function buildFixtureRequest(f: Fixture): { request: ClientRequest; rng: (n: number) => Uint8Array } {
  if (f.url === undefined) throw new Error(`${f.file}: a role client trace needs a url`);
  const rng = replayRng(f.rng);
  const compression = resolveCompression('connect', f.compression);
  const request = getDraft(f.draft).buildRequest({
    url: new URL(f.url),
    protocols: f.protocols,
    ...(f.origin !== undefined ? { origin: f.origin } : {}),
    ...(compression ? { compression: compression.policy } : {}),
    rng,
  });
  return { request, rng };
}

type Stage = { kind: 'head'; buf: Buffer } | { kind: 'open'; codec: Codec } | { kind: 'done' };

/** Run our client over `chunks` of the server stream; `ended` calls the codec's end() afterwards. */
export function playClient(f: Fixture, chunks: readonly Buffer[], ended: boolean): Outcome {
  const { request, rng } = buildFixtureRequest(f);
  const out: Buffer[] = [request.bytes];
  const events: Outcome['events'] = [];
  let status: number | undefined;
  let stage = { kind: 'head', buf: Buffer.alloc(0) } as Stage;

  const push = (codec: Codec, bytes: Buffer) => {
    for (const e of codec.push(Buffer.from(bytes))) {
      if (e.type === 'send') out.push(Buffer.from(e.bytes));
      const x = toExpected(e);
      if (x) events.push(x);
    }
  };

  const feed = (chunk: Buffer) => {
    if (stage.kind === 'head') {
      const buf: Buffer = Buffer.concat([stage.buf, chunk]);
      const answer = readHandshakeResponse(buf, request);
      if (answer.kind === 'wait') {
        stage = { kind: 'head', buf };
        return;
      }
      status = answer.head?.status;
      if (answer.kind === 'refused') {
        events.push(HANDSHAKE_REFUSED);
        stage = { kind: 'done' };
        return;
      }
      const codec = getDraft(f.draft).createCodec('client', {
        maxPayload: REPLAY_MAX_PAYLOAD,
        rng,
        ...createCompression(answer.compression, resolveCompression('connect', f.compression)),
      });
      for (const s of f.sends) out.push(codec.encode(toOutbound(s)));
      stage = { kind: 'open', codec };
      chunk = buf.subarray(answer.bodyEnd);
    }
    if (stage.kind === 'open' && chunk.length > 0) push(stage.codec, chunk);
  };

  for (const c of chunks) feed(c);
  if (ended && stage.kind === 'open')
    for (const e of stage.codec.end()) {
      if (e.type === 'send') out.push(Buffer.from(e.bytes));
      const x = toExpected(e);
      if (x) events.push(x);
    }
  return { output: Buffer.concat(out), status, events };
}
