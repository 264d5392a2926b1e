// Loopback helpers for Node-layer tests: listening servers, a raw TCP client, bounded waits.
import type { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect as netConnect, type Socket } from 'node:net';
import type { Connection } from '../../src/connection/connection.js';
import { connect } from '../../src/node/client.js';
import { createServer, type WsServer } from '../../src/node/server.js';
import type { ServerOptions } from '../../src/node/server-options.js';

/** Resolves with the first emission of `event` (its arguments), or rejects after `ms`. */
export function once<T extends unknown[] = unknown[]>(
  emitter: EventEmitter,
  event: string,
  ms = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`timed out waiting for '${event}'`));
    }, ms);
    const on = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args as T);
    };
    emitter.once(event, on);
  });
}

export async function listening(server: WsServer): Promise<number> {
  if (server.address() === null) await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A server on a free loopback port that echoes every message as the same type. */
export async function startEchoServer(
  options: Omit<ServerOptions, 'port'> = {},
): Promise<{ server: WsServer; port: number }> {
  const server = createServer({ port: 0, ...options }, (conn) => {
    conn.on('message', (data: Buffer, isBinary: boolean) => conn.send(data, { binary: isBinary }));
  });
  return { server, port: await listening(server) };
}

export function closeServer(server: WsServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A raw TCP peer that records every byte received and when the server closed. */
export class RawClient {
  readonly socket: Socket;
  private chunks: Buffer[] = [];
  readonly closed: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(port: number) {
    this.socket = netConnect({ host: '127.0.0.1', port });
    this.socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      for (const w of this.waiters.splice(0)) w();
    });
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  write(bytes: Uint8Array | string): void {
    this.socket.write(bytes);
  }

  /** Waits until at least `n` bytes arrived (or `ms` passed, then rejects). */
  async atLeast(n: number, ms = 5000): Promise<Buffer> {
    const deadline = Date.now() + ms;
    while (this.received.length < n) {
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.destroyed) throw new Error(`got ${this.received.length} of ${n} bytes`);
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), delay(Math.min(left, 50))]);
    }
    return this.received;
  }

  /** Waits for the head (CRLF CRLF) and returns it as text. */
  async head(ms = 5000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const text = this.received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end >= 0) return text.slice(0, end + 4);
      if (Date.now() > deadline || this.socket.destroyed) throw new Error(`no head: ${JSON.stringify(text)}`);
      await delay(5);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Status code of an HTTP head. */
export const statusOf = (head: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);

/** Polls `fn` every 5 ms until true, at most `ms`. */
export async function until(fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await delay(5);
  }
}

/** Opens a client (terminated by the test's cleanups); resolves once open, rejects with the refusal. */
export function openClient(
  url: string,
  options: Parameters<typeof connect>[1],
  cleanups: (() => unknown)[],
): Promise<Connection> {
  const conn = connect(url, options);
  cleanups.push(() => conn.terminate());
  return new Promise((resolve, reject) => {
    conn.once('open', () => resolve(conn));
    conn.once('error', reject);
  });
}
