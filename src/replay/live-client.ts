// A minimal client over TCP built from a Draft (sans-I/O handshake + codec): for probe and trace recording.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readHandshakeResponse } from '../core/client-handshake.js';
import { cryptoRng } from '../core/rng.js';
import type { DraftId, ResponseHead, Rng } from '../core/types.js';
import { getDraft } from '../drafts.js';
import {
  createCompression,
  type PerMessageDeflateOptions,
  resolveCompression,
} from '../node/compression-options.js';
import type { ExpectedEvent, ScriptedSend } from './fixture.js';
import { toExpected } from './outcome.js';
import { toOutbound } from './play-client.js';

export interface LiveClientOptions {
  readonly url: string;
  readonly draft: DraftId;
  readonly protocols?: readonly string[];
  readonly origin?: string;
  /** Messages sent once open; the client then waits for as many echoes and the close. */
  readonly sends: readonly ScriptedSend[];
  readonly timeoutMs?: number;
  /** Connect here instead of the URL's host:port (to go through a recording proxy). */
  readonly via?: { readonly host: string; readonly port: number };
  /** Offer compression as `connect({ perMessageDeflate })` would (hybi drafts). */
  readonly perMessageDeflate?: PerMessageDeflateOptions;
  /** wss:// only: false accepts any certificate (a self-signed test server). Default true. */
  readonly rejectUnauthorized?: boolean;
}

export interface LiveClientResult {
  /** The answer's head, if one arrived. */
  readonly head: ResponseHead | undefined;
  /** Verdict of our client on the answer. */
  readonly accepted: boolean;
  readonly refusal: string | undefined;
  readonly events: ExpectedEvent[];
  /** Every random byte the client drew, in order (the fixture's rng line). */
  readonly rng: Buffer;
  readonly timedOut: boolean;
  /** Whether the TCP (and TLS) connection was made. */
  readonly connected: boolean;
  /** The socket error when no connection was made at all (ECONNREFUSED, ENOTFOUND, a TLS failure...). */
  readonly connectError: (Error & { code?: string }) | undefined;
}

/** A TCP socket, or TLS for wss://; `onReady` runs once bytes may be written. */
function openSocket(url: URL, o: LiveClientOptions, onReady: () => void): Socket {
  const secure = url.protocol === 'wss:' && o.via === undefined;
  const port = o.via?.port ?? Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
  const host = o.via?.host ?? url.hostname.replace(/^\[|\]$/g, '');
  if (!secure) return netConnect({ host, port }, onReady);
  const servername = /^[\d.]+$|:/.test(host) ? undefined : host;
  return tlsConnect(
    { host, port, rejectUnauthorized: o.rejectUnauthorized ?? true, ...(servername ? { servername } : {}) },
    onReady,
  );
}

export function runLiveClient(o: LiveClientOptions): Promise<LiveClientResult> {
  const url = new URL(o.url);
  const drawn: Buffer[] = [];
  const rng: Rng = (n) => {
    const b = Buffer.from(cryptoRng(n));
    drawn.push(b);
    return b;
  };
  const draft = getDraft(o.draft);
  const compression = draft.caps.compression ? resolveCompression('connect', o.perMessageDeflate) : undefined;
  const request = draft.buildRequest({
    url,
    protocols: o.protocols ?? [],
    ...(o.origin !== undefined ? { origin: o.origin } : {}),
    ...(compression ? { compression: compression.policy } : {}),
    rng,
  });
  return new Promise((resolve) => {
    let connected = false;
    let connectError: LiveClientResult['connectError'];
    const socket = openSocket(url, o, () => {
      connected = true;
      socket.write(request.bytes);
    });
    socket.setNoDelay(true);
    const events: ExpectedEvent[] = [];
    let head: ResponseHead | undefined;
    let accepted = false;
    let refusal: string | undefined;
    let buf = Buffer.alloc(0);
    let codec: ReturnType<typeof draft.createCodec> | undefined;
    let settled = false;
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        head,
        accepted,
        refusal,
        events,
        rng: Buffer.concat(drawn),
        timedOut,
        connected,
        connectError,
      });
    };
    const timer = setTimeout(() => finish(true), o.timeoutMs ?? 3000);
    socket.on('error', (err) => {
      if (!connected) connectError = err;
      refusal ??= err.message;
      finish(false);
    });
    socket.on('close', () => {
      if (codec) for (const e of codec.end()) pushEvent(e);
      finish(false);
    });
    const dataSends = o.sends.filter((s) => s.type === 'text' || s.type === 'binary').length;
    const closeSend = o.sends.find((s) => s.type === 'close');
    let closeSent = false;
    const maybeClose = () => {
      const echoes = events.filter((e) => e.type === 'text' || e.type === 'binary').length;
      if (!codec || closeSent || !closeSend || echoes < dataSends || codec.state !== 'open') return;
      closeSent = true;
      socket.write(codec.encode(toOutbound(closeSend)));
    };
    const pushEvent = (e: Parameters<typeof toExpected>[0]) => {
      if (e.type === 'send') socket.write(e.bytes);
      const x = toExpected(e);
      if (x) events.push(x);
      maybeClose();
    };
    socket.on('data', (chunk: Buffer) => {
      if (codec) {
        for (const e of codec.push(Buffer.from(chunk))) pushEvent(e);
        if (codec.state === 'closed' && !draft.caps.closingHandshake) socket.end();
        return;
      }
      buf = Buffer.concat([buf, chunk]);
      const answer = readHandshakeResponse(buf, request);
      if (answer.kind === 'wait') return;
      head = answer.head;
      if (answer.kind === 'refused') {
        refusal = answer.reason;
        return finish(false);
      }
      const end = answer.bodyEnd;
      accepted = true;
      codec = draft.createCodec('client', {
        maxPayload: 16 * 1024 * 1024,
        rng,
        ...createCompression(answer.compression, compression),
      });
      // The close waits for the echoes, as a browser page would: a message and a close in one segment is a
      // different (harsher) test than a probe should be.
      for (const s of o.sends) if (s.type !== 'close') socket.write(codec.encode(toOutbound(s)));
      // Hixie-75 has no closing handshake: closing TCP is the close, so end once the echoes are in.
      const rest = buf.subarray(end);
      if (rest.length > 0) for (const e of codec.push(Buffer.from(rest))) pushEvent(e);
      maybeClose();
      if (!draft.caps.closingHandshake && o.sends.length === 0) socket.end();
    });
    // Without a closing handshake, end after the expected echoes arrived.
    if (!draft.caps.closingHandshake) {
      const want = o.sends.filter((s) => s.type === 'text').length;
      socket.on('data', () => {
        if (codec && events.filter((e) => e.type === 'text').length >= want) socket.end();
      });
    }
  });
}
