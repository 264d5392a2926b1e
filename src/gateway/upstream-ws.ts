// The RFC 6455 upstream of one client, driven through the public sans-I/O API (getDraft('rfc6455'),
// parseResponseHead) over our own socket, so the gateway can pause it and send 1001/1003/1011 (RFC 6455 §7.4.1).
import { randomFillSync } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { parseResponseHead } from '../core/http-head.js';
import type { Codec, CodecEvent, HeaderLine, Rng } from '../core/types.js';
import { getDraft } from '../drafts.js';
import type { CloseSpec } from './policy.js';
import type { Side, SideEvents } from './side.js';

const rng: Rng = (n) => randomFillSync(Buffer.allocUnsafe(n));

export interface UpstreamRequest {
  readonly url: URL;
  readonly protocols: readonly string[];
  readonly origin: string | undefined;
  readonly headers: readonly HeaderLine[];
  readonly timeout: number;
  readonly maxPayload: number;
  readonly closeTimeout: number;
  readonly ca: string | Buffer | undefined;
  readonly rejectUnauthorized: boolean;
  readonly abort: AbortSignal;
}

export type WsOpen =
  | { ok: true; side: Side; protocol: string }
  /** `status` is the upstream's HTTP answer when it sent one (a refusal), undefined when unreachable. */
  | { ok: false; status: number | undefined; reason: string };

/** Open the upstream WebSocket: resolves once its 101 is verified, or with why not. */
export function openWsUpstream(req: UpstreamRequest): Promise<WsOpen> {
  const draft = getDraft('rfc6455');
  return new Promise((resolve) => {
    let request: ReturnType<typeof draft.buildRequest>;
    try {
      request = draft.buildRequest({
        url: req.url,
        protocols: req.protocols,
        rng,
        headers: req.headers,
        ...(req.origin === undefined ? {} : { origin: req.origin }),
      });
    } catch (err) {
      resolve({ ok: false, status: 400, reason: (err as Error).message });
      return;
    }
    const host = req.url.hostname.replace(/^\[|\]$/g, '');
    const secure = req.url.protocol === 'wss:';
    const port = Number(req.url.port || (secure ? 443 : 80));
    const socket: Socket = secure
      ? tlsConnect({
          host,
          port,
          servername: host,
          rejectUnauthorized: req.rejectUnauthorized,
          ...(req.ca === undefined ? {} : { ca: req.ca }),
        })
      : netConnect({ host, port });
    let head = Buffer.alloc(0);
    const timer = setTimeout(() => fail(undefined, 'upstream handshake timeout'), req.timeout);
    const onAbort = (): void => fail(undefined, 'client went away');
    req.abort.addEventListener('abort', onAbort, { once: true });
    function finish(): void {
      clearTimeout(timer);
      req.abort.removeEventListener('abort', onAbort);
      socket.removeListener('data', onData);
    }
    function fail(status: number | undefined, reason: string): void {
      finish();
      socket.destroy();
      resolve({ ok: false, status, reason });
    }
    function onData(chunk: Buffer): void {
      head = Buffer.concat([head, chunk]);
      const parsed = parseResponseHead(head);
      if (parsed.kind === 'need-more') return;
      if (parsed.kind === 'error') {
        fail(undefined, `upstream sent a bad response: ${parsed.reason}`);
        return;
      }
      if (parsed.head.status !== 101) {
        fail(parsed.head.status, parsed.head.reason || 'refused');
        return;
      }
      const verdict = request.verify(parsed.head, Buffer.alloc(0), head.subarray(0, parsed.consumed));
      if (!verdict.ok) {
        fail(undefined, `upstream handshake invalid: ${verdict.reason}`);
        return;
      }
      finish();
      socket.pause();
      const codec = draft.createCodec('client', { maxPayload: req.maxPayload, rng });
      const leftover = head.subarray(parsed.consumed);
      resolve({
        ok: true,
        side: wsSide(socket, codec, leftover, req.closeTimeout),
        protocol: verdict.protocol,
      });
    }
    socket.on('error', (err) => {
      fail(undefined, err.message);
    });
    socket.once('close', () => fail(undefined, 'upstream closed during the handshake'));
    socket.once(secure ? 'secureConnect' : 'connect', () => socket.write(request.bytes));
    socket.on('data', onData);
  });
}

function wsSide(socket: Socket, codec: Codec, leftover: Buffer, closeTimeout: number): Side {
  socket.removeAllListeners('error');
  socket.removeAllListeners('close');
  socket.setNoDelay(true);
  let events: SideEvents | undefined;
  let peerClose: { code: number; reason: string } | undefined;
  let fault: number | undefined;
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    socket.end();
    setTimeout(() => socket.destroy(), closeTimeout).unref();
  };
  const dispatch = (list: readonly CodecEvent[]): void => {
    for (const e of list) {
      if (e.type === 'text' || e.type === 'binary') events?.message(e.data, e.type === 'binary');
      else if (e.type === 'send') socket.write(e.bytes);
      else if (e.type === 'close') peerClose = { code: e.code, reason: e.reason };
      else if (e.type === 'fail') fault = e.closeCode;
    }
    // RFC 6455 §7.1.1: after both close frames (or a failure) the TCP connection is closed.
    if (codec.state === 'closed') end();
  };
  return {
    caps: getDraft('rfc6455').caps,
    get bufferedAmount() {
      return socket.writableLength;
    },
    send(data, flushed) {
      if (codec.state !== 'open' || socket.destroyed) return;
      const frame = codec.encode(
        typeof data === 'string' ? { type: 'text', data } : { type: 'binary', data },
      );
      socket.write(frame, () => flushed());
    },
    close(spec: CloseSpec) {
      if (codec.state !== 'open' || socket.destroyed) return;
      const withCode = spec.code === undefined ? {} : { code: spec.code, reason: spec.reason };
      socket.write(codec.encode({ type: 'close', ...withCode }));
      // Encoding our close after the peer's completes the handshake (the state changed under us).
      if ((codec.state as string) === 'closed') end();
      else setTimeout(() => socket.destroy(), closeTimeout).unref();
    },
    terminate() {
      socket.destroy();
    },
    pause() {
      socket.pause();
    },
    resume() {
      if (!socket.destroyed) socket.resume();
    },
    bind(sink: SideEvents) {
      events = sink;
      socket.on('data', (chunk: Buffer) => {
        sink.activity();
        dispatch(codec.push(chunk));
      });
      socket.on('end', () => {
        dispatch(codec.end());
        end();
      });
      socket.on('error', () => {});
      socket.once('close', () => {
        if (fault !== undefined) sink.close(fault, '', false);
        else if (peerClose) sink.close(peerClose.code, peerClose.reason, true);
        else sink.close(1006, '', false);
      });
      if (leftover.length > 0) dispatch(codec.push(leftover));
      socket.resume();
    },
  };
}
