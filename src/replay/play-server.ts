// In-process replay with our server under test: head -> negotiate -> key3 body -> server codec (+ echo app).
import { parseRequestHead, serializeRejection } from '../core/http-head.js';
import { ALL_DRAFTS, type Codec, type CodecEvent } from '../core/types.js';
import { getDraft } from '../drafts.js';
import { createCompression, resolveCompression } from '../node/compression-options.js';
import { negotiate } from '../sniff/negotiate.js';
import type { Fixture } from './fixture.js';
import { type Outcome, toExpected } from './outcome.js';

/** Servers draw no randomness: a codec that asks for some is a bug the replay should surface. */
const noRng = (n: number): Uint8Array => {
  throw new Error(`a server codec asked for ${n} random bytes`);
};

export const REPLAY_MAX_PAYLOAD = 16 * 1024 * 1024;

type Stage =
  | { kind: 'head'; buf: Buffer }
  | { kind: 'body'; buf: Buffer; need: number; answer: (b: Buffer) => Buffer; codec: Codec }
  | { kind: 'open'; codec: Codec }
  | { kind: 'done' };

/** What of a fixture the in-process server reads: its configuration, not the recorded segments. */
export type ServerSetup = Pick<Fixture, 'app' | 'compression' | 'serverDrafts' | 'serverProtocols'>;

/** Run our server over `chunks` of the client stream; `ended` calls the codec's end() afterwards. */
export function playServer(f: ServerSetup, chunks: readonly Buffer[], ended: boolean): Outcome {
  const out: Buffer[] = [];
  const events: Outcome['events'] = [];
  let status: number | undefined;
  let stage = { kind: 'head', buf: Buffer.alloc(0) } as Stage;

  const handle = (evs: CodecEvent[], codec: Codec) => {
    for (const e of evs) {
      if (e.type === 'send') {
        out.push(Buffer.from(e.bytes));
        continue;
      }
      const x = toExpected(e);
      if (x) events.push(x);
      if (f.app === 'echo' && (e.type === 'text' || e.type === 'binary') && codec.state === 'open')
        out.push(codec.encode({ type: e.type, data: e.data }));
    }
  };

  const feed = (chunk: Buffer) => {
    if (stage.kind === 'head') {
      const buf: Buffer = Buffer.concat([stage.buf, chunk]);
      const parsed = parseRequestHead(buf);
      if (parsed.kind === 'need-more') {
        stage = { kind: 'head', buf };
        return;
      }
      if (parsed.kind === 'error') {
        status = 400;
        out.push(serializeRejection({ status: 400, reason: parsed.reason, headers: [] }));
        stage = { kind: 'done' };
        return;
      }
      const compression = resolveCompression('createServer', f.compression);
      const n = negotiate(parsed.head, {
        drafts: f.serverDrafts ?? ALL_DRAFTS,
        secure: false,
        selectProtocol: (offered) => offered.find((p) => f.serverProtocols.includes(p)),
        ...(compression ? { compression: compression.policy } : {}),
      });
      if (!n.ok) {
        status = n.rejection.status;
        out.push(serializeRejection(n.rejection));
        stage = { kind: 'done' };
        return;
      }
      status = 101;
      out.push(n.accept.response);
      const codec = getDraft(n.draft).createCodec('server', {
        maxPayload: REPLAY_MAX_PAYLOAD,
        rng: noRng,
        ...createCompression(n.accept.compression, compression),
      });
      stage = {
        kind: 'body',
        buf: Buffer.alloc(0),
        need: n.accept.bodyLength,
        answer: n.accept.answerBody,
        codec,
      };
      chunk = buf.subarray(parsed.consumed);
    }
    if (stage.kind === 'body') {
      const buf: Buffer = Buffer.concat([stage.buf, chunk]);
      if (buf.length < stage.need) {
        stage = { ...stage, buf };
        return;
      }
      out.push(stage.answer(buf.subarray(0, stage.need)));
      chunk = buf.subarray(stage.need);
      stage = { kind: 'open', codec: stage.codec };
    }
    if (stage.kind === 'open' && chunk.length > 0) handle(stage.codec.push(Buffer.from(chunk)), stage.codec);
  };

  for (const c of chunks) feed(c);
  if (ended && stage.kind === 'open') handle(stage.codec.end(), stage.codec);
  return { output: Buffer.concat(out), status, events };
}
