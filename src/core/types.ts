// The contracts between layers: drafts, codecs, codec events, handshakes (architecture.md "Contracts").
import type { ZlibOptions } from 'node:zlib';
import type { FaultName } from './faults.js';

export type DraftId = 'hixie-75' | 'hixie-76' | 'hybi-07' | 'hybi-10' | 'rfc6455';

/** Every draft, newest first: the order a client prefers and the order version lists are written in. */
export const ALL_DRAFTS: readonly DraftId[] = ['rfc6455', 'hybi-10', 'hybi-07', 'hixie-76', 'hixie-75'];

export type Role = 'server' | 'client';

/** What a draft can carry: gateways and users read this instead of switching on the draft id. */
export interface Caps {
  /** Binary messages exist (false on hixie: length-prefixed frames are discarded). */
  readonly binary: boolean;
  /** Ping and pong frames exist. */
  readonly ping: boolean;
  /** A close frame carries a status code and a reason. */
  readonly closeCodes: boolean;
  /** There is an in-band closing handshake (false only on hixie-75, where closing TCP is the close). */
  readonly closingHandshake: boolean;
  /** Messages may be fragmented. */
  readonly fragmentation: boolean;
  /** `Sec-WebSocket-Extensions` negotiation exists. */
  readonly extensions: boolean;
  /** Compression can be negotiated (hybi: permessage-deflate, RFC 7692, and the per-frame draft). */
  readonly compression: boolean;
}

/** Injected randomness: returns `n` fresh random bytes. Tests pass a seeded one so traces replay exactly. */
export type Rng = (n: number) => Uint8Array;

/** What a codec reports after being fed bytes. */
export type CodecEvent =
  /** A complete text message: `data` is valid UTF-8 (hixie: invalid sequences replaced by U+FFFD). */
  | { readonly type: 'text'; readonly data: Buffer }
  | { readonly type: 'binary'; readonly data: Buffer }
  /**
   * Only after Codec.receiveParts(true): a binary message as the pieces it arrived in, in order, unmasked in
   * place (views of the bytes pushed, not copies). Joined, they are what 'binary' would have carried.
   */
  | { readonly type: 'binary-parts'; readonly parts: Buffer[] }
  | { readonly type: 'ping'; readonly data: Buffer }
  | { readonly type: 'pong'; readonly data: Buffer }
  /** The peer's close frame (hixie-76: `FF 00`, reported as 1005). */
  | { readonly type: 'close'; readonly code: number; readonly reason: string }
  /**
   * Bytes the codec wants written on its own: an automatic pong, or (`closes: true`) our close frame, the
   * echo of the peer's close or the close of a fault. After a `closes` send no data frame may follow.
   */
  | { readonly type: 'send'; readonly bytes: Buffer; readonly closes?: true }
  /** The peer broke the protocol; the codec has already queued its close frame as a `send` event if the draft has one. */
  | {
      readonly type: 'fail';
      readonly fault: FaultName;
      readonly closeCode: number;
      readonly message: string;
    };

export interface EncodeOptions {
  readonly pastClose?: boolean;
}

/** ws 8's limit on the frames of one message: past it the message is refused (1008, or the draft's code). */
export const DEFAULT_MAX_FRAGMENTS = 16_384;

/** What a user asks a codec to encode. */
export type OutboundMessage =
  /** `compress: false` sends uncompressed on a compressed connection (default: compress from the threshold up). */
  | { readonly type: 'text'; readonly data: string | Uint8Array; readonly compress?: boolean | undefined }
  | { readonly type: 'binary'; readonly data: Uint8Array; readonly compress?: boolean | undefined }
  | { readonly type: 'ping'; readonly data?: Uint8Array }
  | { readonly type: 'pong'; readonly data?: Uint8Array }
  | { readonly type: 'close'; readonly code?: number; readonly reason?: string };

/** A text or binary message, as send() hands it to a codec. */
export type DataMessage = Extract<OutboundMessage, { readonly type: 'text' | 'binary' }>;

/**
 * open: both directions carry data. closing: our close went out, waiting for the peer's.
 * closed: both closes seen (or the connection failed); `push` ignores further bytes.
 */
export type CodecState = 'open' | 'closing' | 'closed';

/** A sans-I/O frame codec for one direction pair of one connection. */
export interface Codec {
  /** Feed bytes from the peer. Never throws on peer input. May unmask `bytes` in place. */
  push(bytes: Uint8Array): CodecEvent[];
  /** The transport ended: reports a truncated frame, if any. */
  end(): CodecEvent[];
  /**
   * Encode one message. Throws UsageError on misuse (binary on hixie, data after close, bad code).
   * `pastClose`: encode even though this codec already produced its close frame in the batch being
   * dispatched. Only the caller knows whether that frame was written yet; until it is, RFC 6455 §5.5.1
   * lets the application still answer the messages decoded before the peer's close.
   */
  encode(message: OutboundMessage, options?: EncodeOptions): Buffer;
  /**
   * Optional: a data message as buffers to write back to back (one writev), the payload not copied; undefined
   * when the codec prefers one buffer (small or masked frames) or cannot send now (encode() then says why).
   */
  encodeParts?(message: DataMessage): readonly Buffer[] | undefined;
  /**
   * Optional (drafts with binary frames): from now on deliver binary messages as 'binary-parts' events, long
   * frames left in the pushed chunks instead of being copied into one buffer. Off by default.
   */
  receiveParts?(on: boolean): void;
  /**
   * Optional: one binary message whose payload is `pieces` back to back, as [header, ...pieces] to write
   * together, the pieces not copied; undefined when the codec prefers one buffer (clients mask, compression,
   * short payloads) or cannot send now. The caller then joins the pieces and encodes as usual.
   */
  encodePieces?(pieces: readonly Buffer[], length: number, compress?: boolean): readonly Buffer[] | undefined;
  /**
   * Optional: a large compressed data message as a deflate for the caller to run (the Node layer runs it on
   * libuv's pool), or undefined to encode() it as usual. The message already counts in the sent history, so
   * later messages may be encoded before this one is framed; they must be written after it. Throws as encode().
   */
  encodeDeferred?(message: DataMessage, options?: EncodeOptions): DeflateJob | undefined;
  readonly state: CodecState;
  /** Bytes held waiting for the rest of a frame or message (for limits and tests). */
  readonly bufferedBytes: number;
}

export interface CodecOptions {
  /** Largest message (hybi: reassembled and inflated; hixie: one frame) accepted from the peer, in bytes. */
  readonly maxPayload: number;
  /**
   * Most frames one fragmented message may arrive in (hybi only; default DEFAULT_MAX_FRAGMENTS). Empty
   * continuation frames cost memory without counting against maxPayload, so they are counted here.
   */
  readonly maxFragments?: number;
  /** Random bytes for client masks; unused by servers and by hixie. */
  readonly rng: Rng;
  /** The negotiated compression extension, which owns RSV1 (hybi only). */
  readonly compression?: Compression;
}

/** One direction of a negotiated deflate extension: the window and whether the context carries over. */
export interface DeflateDirection {
  /** LZ77 window in bits, 8..15 (RFC 7692 §7.1.2). */
  readonly windowBits: number;
  /** The sliding window is reset after each message (frame, for deflate-frame). */
  readonly noContextTakeover: boolean;
}

/** A negotiated compression extension, seen from one endpoint: what it deflates with and inflates with. */
export interface NegotiatedCompression {
  readonly extension: 'permessage-deflate' | 'x-webkit-deflate-frame' | 'deflate-frame';
  /** What this endpoint compresses with (its peer inflates accordingly). */
  readonly deflate: DeflateDirection;
  /** What the peer compresses with. */
  readonly inflate: DeflateDirection;
}

/** Why a compressed payload could not be inflated. */
export type InflateFailure = 'too-big' | 'corrupt';

/**
 * The compression state of one connection, driven by the hybi codec. Synchronous and bounded, so the codec
 * stays a pure function of its input (docs/architecture.md "Compression").
 */
export interface Compression {
  /** permessage-deflate compresses whole messages (RSV1 on the first frame); deflate-frame each frame. */
  readonly unit: 'message' | 'frame';
  /** Messages shorter than this are sent uncompressed unless the sender asks otherwise. */
  readonly threshold: number;
  /** Inflate one compressed message (or frame); stops as soon as the output would exceed `limit` bytes. */
  inflate(data: Buffer, limit: number): Buffer | InflateFailure;
  /** Deflate one message (or frame) payload, without the trailing 00 00 FF FF (RFC 7692 §7.2.1). */
  deflate(data: Uint8Array): Buffer;
  /** Messages from this many bytes up may be deflated by the caller (prepareDeflate) instead. */
  readonly asyncThreshold: number;
  /**
   * deflate() split in two for a caller that runs zlib itself: the call to make (payload and history copied,
   * so nothing the caller or later messages do changes it), the history updated now, in send order.
   */
  prepareDeflate(data: Uint8Array): DeflateCall;
  /** zlib's output of a prepared call, without the trailing 00 00 FF FF. */
  finishDeflate(deflated: Buffer): Buffer;
  /** Free the windows (the connection closed). */
  close(): void;
}

/** One zlib deflateRaw call: the codec's own copy of the payload and every option (dictionary included). */
export interface DeflateCall {
  readonly input: Buffer;
  readonly options: ZlibOptions;
}

/** A compressed data frame waiting for its deflate: `frame` turns zlib's output for `input` into the frame. */
export interface DeflateJob extends DeflateCall {
  frame(deflated: Buffer): Buffer;
}

/** A server's compression policy: pure data, so negotiation stays a pure function (RFC 7692 §5, §7.1). */
export interface CompressionPolicy {
  readonly serverNoContextTakeover: boolean;
  readonly clientNoContextTakeover: boolean;
  /** A number caps the window; true/false as in ws (false: refuse offers that ask for a server window). */
  readonly serverMaxWindowBits: number | boolean;
  readonly clientMaxWindowBits: number | boolean;
  /** Also accept the legacy x-webkit-deflate-frame / deflate-frame offers. */
  readonly deflateFrame: boolean;
}

/** One HTTP header line as received: name keeps its case, value is trimmed of surrounding whitespace. */
export type HeaderLine = readonly [name: string, value: string];

export interface RequestHead {
  readonly method: string;
  /** The request-target exactly as sent: path and query. */
  readonly target: string;
  /** "1.1" for `HTTP/1.1`. */
  readonly httpVersion: string;
  readonly headers: readonly HeaderLine[];
}

export interface ResponseHead {
  readonly httpVersion: string;
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly HeaderLine[];
}

/** The outcome of a server looking at a request. */
export type AcceptResult =
  | {
      readonly ok: true;
      /** The 101 status line and headers, ending in the blank line: written at once. */
      readonly response: Buffer;
      readonly protocol: string;
      readonly extensions: string;
      /** The compression extension accepted in `extensions`, if any. */
      readonly compression?: NegotiatedCompression;
      /** Bytes of request body the handshake still needs after the head (hixie-76 key3: 8; else 0). */
      readonly bodyLength: number;
      /** Given exactly `bodyLength` bytes, the bytes to write after `response` (hixie-76: the MD5 answer). */
      readonly answerBody: (body: Buffer) => Buffer;
    }
  | Rejection;

export interface Rejection {
  readonly ok: false;
  /** 400, 403, 426 ... */
  readonly status: number;
  /** Short human reason, also the text/plain body. */
  readonly reason: string;
  /** Extra headers, e.g. `Sec-WebSocket-Version: 13, 8, 7` and `Upgrade: websocket` on a 426. */
  readonly headers: readonly HeaderLine[];
}

/** What the server side of a handshake is told. */
export interface ServerHandshakeOptions {
  /** Choose one of the offered subprotocols, or undefined for none. Only offered values are accepted. */
  readonly selectProtocol?: (offered: readonly string[]) => string | undefined;
  /** True when the connection is TLS (or a trusted proxy says so): hixie Location uses wss://. */
  readonly secure: boolean;
  /** Drafts this server accepts; used for the `Sec-WebSocket-Version` list in rejections. */
  readonly drafts: readonly DraftId[];
  /** Accept a compression offer under this policy; undefined declines every extension. */
  readonly compression?: CompressionPolicy;
}

export interface ClientHandshakeOptions {
  /** `ws://` or `wss://` URL. */
  readonly url: URL;
  readonly protocols: readonly string[];
  /** Origin to send (hybi-07/08 as Sec-WebSocket-Origin). Omitted when undefined. */
  readonly origin?: string;
  readonly headers?: readonly HeaderLine[];
  readonly rng: Rng;
  /** Offer permessage-deflate with these parameters (hybi only); undefined offers no extension. */
  readonly compression?: CompressionPolicy;
}

/** A built client request and how to check the answer. */
export interface ClientRequest {
  /** Head plus any body (hixie-76 key3): written in one write, as browsers did. */
  readonly bytes: Buffer;
  /** Bytes of response body the client must read after the head (hixie-76: 16). */
  readonly responseBodyLength: number;
  /** `rawHead` is the head exactly as received (hixie-75 clients compare its first 85 bytes). */
  readonly verify: (head: ResponseHead, body: Buffer, rawHead: Buffer) => ClientVerdict;
}

export type ClientVerdict =
  | {
      readonly ok: true;
      readonly protocol: string;
      readonly extensions: string;
      readonly compression?: NegotiatedCompression;
    }
  | { readonly ok: false; readonly reason: string };

/** One draft: only what differs lives behind this. */
export interface Draft {
  readonly id: DraftId;
  /** Wire version for `Sec-WebSocket-Version`, if the draft has one. */
  readonly version: number | undefined;
  readonly caps: Caps;
  acceptRequest(head: RequestHead, options: ServerHandshakeOptions): AcceptResult;
  buildRequest(options: ClientHandshakeOptions): ClientRequest;
  createCodec(role: Role, options: CodecOptions): Codec;
}
