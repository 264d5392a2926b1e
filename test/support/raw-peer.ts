// A client of any draft over a raw socket: our own handshake and codec, but the test decides what goes
// into each TCP write (a message and its close in one segment, a bad frame after a ping, ...).
import { connect as netConnect, type Socket } from 'node:net';
import { readHandshakeResponse } from '../../src/core/client-handshake.js';
import { seededRng } from '../../src/core/rng.js';
import type { Codec, CodecEvent, DraftId } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';

export class RawPeer {
  /** What the server sent, decoded, in order ('send' events are our codec's own answers, not sent). */
  readonly events: CodecEvent[] = [];
  ended = false;
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly socket: Socket,
    readonly codec: Codec,
  ) {
    socket.on('end', () => {
      this.ended = true;
      this.events.push(...codec.end());
      this.wake();
    });
    socket.once('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Connect and finish the opening handshake of `draftId`; frames that came with the 101 are decoded. */
  static open(port: number, draftId: DraftId, path = '/', seed = 1): Promise<RawPeer> {
    const draft = getDraft(draftId);
    const rng = seededRng(seed);
    const request = draft.buildRequest({ url: new URL(`ws://127.0.0.1:${port}${path}`), protocols: [], rng });
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    socket.setNoDelay(true);
    socket.write(request.bytes);
    return new Promise((resolve, reject) => {
      let received = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error(`${draftId}: no handshake answer`)), 5000);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const onData = (chunk: Buffer): void => {
        received = Buffer.concat([received, chunk]);
        const answer = readHandshakeResponse(received, request);
        if (answer.kind === 'wait') return;
        clearTimeout(timer);
        socket.off('data', onData);
        if (answer.kind === 'refused') {
          fail(new Error(`${draftId}: ${answer.reason}`));
          return;
        }
        const peer = new RawPeer(socket, draft.createCodec('client', { maxPayload: 1 << 20, rng }));
        socket.on('data', (bytes: Buffer) => peer.take(bytes));
        peer.take(received.subarray(answer.bodyEnd));
        resolve(peer);
      };
      socket.on('data', onData);
      socket.once('close', () => fail(new Error(`${draftId}: closed during the handshake`)));
    });
  }

  /** Every buffer in one TCP write (one segment on loopback); `end` adds our FIN to the same write. */
  write(frames: readonly Buffer[], end = false): void {
    const bytes = Buffer.concat(frames);
    if (end) this.socket.end(bytes);
    else this.socket.write(bytes);
  }

  /** Texts the server sent, in order. */
  get texts(): string[] {
    return this.events.filter((e) => e.type === 'text').map((e) => String((e as { data: Buffer }).data));
  }

  /** Waits (bounded) until `done()` is true. */
  async until(done: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.summary())}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Event types with text and close details, for assertions and failure messages. */
  summary(): string[] {
    return this.events
      .filter((e) => e.type !== 'send')
      .map((e) => {
        if (e.type === 'text') return `text:${String(e.data)}`;
        if (e.type === 'close') return `close:${e.code}:${e.reason}`;
        if (e.type === 'fail') return `fail:${e.fault}`;
        return e.type;
      });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private take(bytes: Buffer): void {
    if (bytes.length > 0) this.events.push(...this.codec.push(bytes));
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
