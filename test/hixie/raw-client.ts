// A tiny raw TCP client for interop tests: writes handshake bytes as told, reads the response head and
// body, then drives a sans-I/O codec over the socket. Every wait is bounded.
import { connect, type Socket } from 'node:net';
import { findHeadEnd, parseResponseHead } from '../../src/core/http-head.js';
import type { ClientRequest, ClientVerdict, Codec, CodecEvent } from '../../src/core/types.js';

const WAIT_MS = 3000;

export class RawClient {
  private buf = Buffer.alloc(0);
  private readonly wakers = new Set<() => void>();
  private codec: Codec | undefined;
  readonly events: CodecEvent[] = [];
  ended = false;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      if (this.codec) this.handle(this.codec.push(d));
      else this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      if (this.codec) this.handle(this.codec.end());
      this.wake();
    });
    socket.on('error', () => this.wake());
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get received(): Buffer {
    return this.buf;
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(bytes, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Writes one byte per write call, each after the previous one was flushed. */
  async writeBytewise(bytes: Uint8Array): Promise<void> {
    for (let i = 0; i < bytes.length; i++) await this.write(bytes.subarray(i, i + 1));
  }

  /**
   * Resolves once `ready()` holds; rejects after a bounded wait, naming what was awaited. Checked on
   * every socket event and every 10 ms, since `ready` may watch the server side too.
   */
  until(ready: () => boolean, what: string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const poll = setInterval(() => check(), 10);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.wakers.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, WAIT_MS);
      const check = (): void => {
        if (!ready()) return;
        clearTimeout(timer);
        clearInterval(poll);
        this.wakers.delete(check);
        resolve();
      };
      this.wakers.add(check);
    });
  }

  headArrived(): boolean {
    return findHeadEnd(this.buf, 16 * 1024) >= 0;
  }

  /** Waits for the head and `request.responseBodyLength` bytes, then runs the client's verify. */
  async handshake(request: ClientRequest): Promise<ClientVerdict> {
    await this.until(() => {
      const end = findHeadEnd(this.buf, 16 * 1024);
      return end >= 0 && this.buf.length >= end + request.responseBodyLength;
    }, 'the handshake response');
    const parsed = parseResponseHead(this.buf);
    if (parsed.kind !== 'head') throw new Error(`response did not parse: ${parsed.kind}`);
    const bodyEnd = parsed.consumed + request.responseBodyLength;
    const verdict = request.verify(
      parsed.head,
      this.buf.subarray(parsed.consumed, bodyEnd),
      this.buf.subarray(0, parsed.consumed),
    );
    this.buf = this.buf.subarray(bodyEnd);
    return verdict;
  }

  /** The attached codec: encode through it so its state sees what we sent. */
  get attached(): Codec {
    if (!this.codec) throw new Error('no codec attached');
    return this.codec;
  }

  /** From now on socket bytes go through `codec`; bytes already read after the handshake go first. */
  attach(codec: Codec): void {
    this.codec = codec;
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    if (rest.length > 0) this.handle(codec.push(rest));
  }

  texts(): string[] {
    return this.events.flatMap((e) => (e.type === 'text' ? [e.data.toString('utf8')] : []));
  }

  close(): void {
    this.socket.destroy();
  }

  private handle(events: CodecEvent[]): void {
    for (const e of events) {
      this.events.push(e);
      // The codec's own bytes (the -76 close echo) go out at once, as a Connection would write them.
      if (e.type === 'send') this.socket.write(e.bytes);
    }
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }
}
