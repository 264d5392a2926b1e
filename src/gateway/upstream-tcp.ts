// The TCP upstream of websockify mode: a plain byte stream to HOST:PORT, each read becoming one message.
import { connect as netConnect, type Socket } from 'node:net';
import type { CloseSpec } from './policy.js';
import { type Side, type SideEvents, TCP_CAPS } from './side.js';

export type TcpOpen = { ok: true; side: Side } | { ok: false; reason: string };

/** Connect within `timeout` ms; a refused or silent port is a failure the gateway turns into a 502. */
export function openTcpUpstream(
  host: string,
  port: number,
  timeout: number,
  abort: AbortSignal,
): Promise<TcpOpen> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port });
    const timer = setTimeout(() => fail('connect timeout'), timeout);
    const onAbort = (): void => fail('client went away');
    abort.addEventListener('abort', onAbort, { once: true });
    function fail(reason: string): void {
      clearTimeout(timer);
      abort.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ok: false, reason });
    }
    socket.once('error', (err) => fail(err.message));
    socket.once('connect', () => {
      clearTimeout(timer);
      abort.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      socket.pause();
      resolve({ ok: true, side: tcpSide(socket) });
    });
  });
}

function tcpSide(socket: Socket): Side {
  socket.setNoDelay(true);
  let failed = false;
  return {
    caps: TCP_CAPS,
    get bufferedAmount() {
      return socket.writableLength;
    },
    send(data, done) {
      if (socket.destroyed || socket.writableEnded) {
        queueMicrotask(() => done(false));
        return;
      }
      socket.write(data, (err) => done(!err));
    },
    close(_spec: CloseSpec) {
      // A TCP stream has no close frame: half-close, and the peer's FIN (or a reset) finishes it.
      socket.end();
      setTimeout(() => socket.destroy(), 5000).unref();
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
    bind(events: SideEvents) {
      socket.on('data', (chunk: Buffer) => {
        events.activity();
        events.message(chunk, true);
      });
      socket.on('end', () => socket.end());
      socket.on('error', () => {
        failed = true;
      });
      socket.once('close', (hadError: boolean) => {
        if (failed || hadError) events.close(1006, '', false);
        else events.close(1005, '', true);
      });
      socket.resume();
    },
  };
}
