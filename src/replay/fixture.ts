// The in-memory shape of one captured trace (fixtures/README.md describes the file format).
import type { DraftId, HeaderLine, Role } from '../core/types.js';
import type { PerMessageDeflateOptions } from '../node/compression-options.js';

/** `client` bytes travel client -> server, `server` bytes server -> client. */
export type Direction = 'client' | 'server';

/** One TCP segment as it crossed the wire, or the end (FIN) of one direction. */
export type Segment =
  | { readonly dir: Direction; readonly kind: 'data'; readonly bytes: Buffer; readonly line: number }
  | { readonly dir: Direction; readonly kind: 'end'; readonly line: number };

/** What the implementation under test reports, in order (codec events other than `send`). */
export type ExpectedEvent =
  | { readonly type: 'text' | 'binary' | 'ping' | 'pong'; readonly data: Buffer }
  | { readonly type: 'close'; readonly code: number; readonly reason: string }
  | { readonly type: 'fail'; readonly fault: string; readonly closeCode: number };

/** A message the client under test sends once open (role client only), in order. */
export type ScriptedSend =
  | { readonly type: 'text' | 'binary' | 'ping' | 'pong'; readonly data: Buffer }
  | { readonly type: 'close'; readonly code?: number; readonly reason?: string };

export interface Fixture {
  readonly draft: DraftId;
  /** Which side the replay puts our implementation in. */
  readonly role: Role;
  /** Where the trace came from: spec section, or real client/server, versions and how. */
  readonly source: string;
  readonly notes: readonly string[];
  /** The URL the client opened (role client: what our client is given; hixie Location checks). */
  readonly url: string | undefined;
  /** Subprotocols the client offered (role client). */
  readonly protocols: readonly string[];
  /** Origin the client sent (role client). */
  readonly origin: string | undefined;
  /** Subprotocols the server under test supports; it picks the first one the client offered. */
  readonly serverProtocols: readonly string[];
  /** Drafts the server under test accepts (default: every draft); shapes version lists in rejections. */
  readonly serverDrafts: readonly DraftId[] | undefined;
  /** Every random byte the client drew, in order (key, key1/key2/key3, masks): fed to replayRng. */
  readonly rng: Buffer;
  /** Role server: the application behind the server. `echo` answers every message with itself. */
  readonly app: 'echo' | 'silent';
  /** Role client: what our client sends once open. */
  readonly sends: readonly ScriptedSend[];
  /** 101 for an accepted handshake; the refusal status otherwise. */
  readonly expectStatus: number;
  /** Headers the answer must carry (compared by name, case-insensitively, and exact value). */
  readonly expectHeaders: readonly HeaderLine[];
  readonly expectEvents: readonly ExpectedEvent[];
  /** Extra response/request headers that legitimately vary and are not compared. */
  readonly varyHeaders: readonly string[];
  /**
   * The side under test's `perMessageDeflate` option (server: what it accepts; client: what it offers). The
   * negotiated parameters are in the recorded handshake; replay negotiates again and rebuilds the inflate and
   * deflate state from the stream, so compressed traces replay byte for byte.
   */
  readonly compression?: PerMessageDeflateOptions | undefined;
  /**
   * Role client: the perMessageDeflate option of the wscompat server that answered. Live replay sends the
   * client bytes only to a target said to run with the same option (deflate output is the implementation's own).
   */
  readonly serverCompression?: PerMessageDeflateOptions | undefined;
  /** `ignore` when the recorded peer deviates from the spec (a note says how): its stream is then not compared. */
  readonly stream: 'compare' | 'ignore';
  readonly segments: readonly Segment[];
  /** Where the fixture was read from, for messages (`file:line`). */
  readonly file: string;
}

/** Headers that differ between servers of equal behaviour: never compared byte for byte. */
export const ALWAYS_VARY = ['date', 'server', 'user-agent', 'x-powered-by'];

/** Concatenated bytes of one direction. */
export function streamOf(fixture: Pick<Fixture, 'segments'>, dir: Direction): Buffer {
  const parts: Buffer[] = [];
  for (const s of fixture.segments) if (s.dir === dir && s.kind === 'data') parts.push(s.bytes);
  return Buffer.concat(parts);
}
