// Turns raw recorded segments (proxy or pcap) into a fixture: draft sniffed, status read, events snapshotted.
import { DEFAULT_MAX_HEAD_BYTES, parseRequestHead, parseResponseHead } from '../core/http-head.js';
import { ALL_DRAFTS, type DraftId } from '../core/types.js';
import type { PerMessageDeflateOptions } from '../node/compression-options.js';
import { sniff } from '../sniff/sniff.js';
import type { FixtureInput } from './fixture-write.js';
import { playServer } from './play-server.js';
import type { RecordedSegment } from './recorder.js';

export interface RecordingMeta {
  readonly source: string;
  readonly draft?: DraftId;
  /** The recorded server's perMessageDeflate option, when it had one. */
  readonly compression?: PerMessageDeflateOptions;
}

/** The bytes `dir` sent, or only the first `limit` of them or a little more (whole segments). */
function streamOf(segments: readonly RecordedSegment[], dir: 'client' | 'server', limit = Infinity): Buffer {
  const parts: Buffer[] = [];
  let length = 0;
  for (const s of segments) {
    if (s.dir !== dir || s.kind !== 'data') continue;
    parts.push(s.bytes);
    length += s.bytes.length;
    if (length >= limit) break;
  }
  return Buffer.concat(parts, length);
}

/** Enough of a stream for its head to parse as the whole stream would: the limit, and the CRLF CRLF past it. */
const HEAD_PREFIX = DEFAULT_MAX_HEAD_BYTES + 8;

/**
 * A role-server fixture for a recorded connection, or an error string. The expected events are what
 * wscompat decodes from the client's bytes: a snapshot for review, said so in a note.
 */
export function fixtureFromRecording(
  segments: readonly RecordedSegment[],
  meta: RecordingMeta,
): FixtureInput | string {
  const client = streamOf(segments, 'client');
  const req = parseRequestHead(client);
  if (req.kind !== 'head') return 'the client never sent a complete HTTP request head';
  let draft = meta.draft;
  if (!draft) {
    const s = sniff(req.head, { drafts: ALL_DRAFTS });
    if (s.kind === 'not-websocket') return 'the request is not a WebSocket upgrade';
    if (s.draft === undefined) return 'the request speaks no supported draft (give --draft)';
    draft = s.draft;
  }
  const res = parseResponseHead(streamOf(segments, 'server', HEAD_PREFIX));
  const status = res.kind === 'head' ? res.head.status : 0;
  if (status === 0) return 'the server never sent a complete HTTP response head';
  const protocol =
    res.kind === 'head'
      ? res.head.headers.find(([n]) => /^(sec-)?websocket-protocol$/i.test(n))?.[1]
      : undefined;
  const input: FixtureInput = {
    draft,
    role: 'server',
    source: meta.source,
    notes: ['expect lines are what wscompat decoded from the client bytes at recording time: review them'],
    url: undefined,
    protocols: [],
    origin: undefined,
    serverProtocols: protocol ? [protocol] : [],
    serverDrafts: undefined,
    rng: Buffer.alloc(0),
    app: 'echo',
    sends: [],
    expectStatus: status,
    expectHeaders: [],
    expectEvents: [],
    varyHeaders: [],
    stream: 'compare',
    ...(meta.compression ? { compression: meta.compression } : {}),
    segments,
  };
  const ended = segments.some((s) => s.dir === 'client' && s.kind === 'end');
  const outcome = playServer(input, [client], ended);
  return { ...input, expectEvents: outcome.events };
}
