// Pairs a client side with its upstream side: messages through the policy, backpressure both ways,
// idle timers per side, and the close of one side mapped onto the other (RFC 6455 §7.1.4, §7.4.1).
import type { Forward } from './policy.js';
import { idleClose, mapClose, shutdownClose } from './policy.js';
import type { Side } from './side.js';

type Who = 'client' | 'upstream';

export interface BridgeOptions {
  /** Policy for client -> upstream and upstream -> client messages. */
  readonly toUpstream: (data: Buffer, isBinary: boolean) => Forward;
  readonly toClient: (data: Buffer, isBinary: boolean) => Forward;
  readonly highWaterMark: number;
  readonly clientIdleTimeout: number;
  readonly upstreamIdleTimeout: number;
  /** Counts one relayed message: direction and payload bytes. */
  readonly relayed: (from: Who, bytes: number, isBinary: boolean, forward: Forward) => void;
  /** Both sides are finished: who ended first and with what. */
  readonly done: (by: Who | 'gateway', code: number, reason: string) => void;
}

/** One client and its upstream. Construct after both are open; it binds both sides at once. */
export class Bridge {
  private readonly open = { client: true, upstream: true };
  private readonly paused = { client: false, upstream: false };
  private readonly timers: { client?: NodeJS.Timeout; upstream?: NodeJS.Timeout } = {};
  private first: { by: Who | 'gateway'; code: number; reason: string } | undefined;

  constructor(
    private readonly client: Side,
    private readonly upstream: Side,
    private readonly options: BridgeOptions,
  ) {
    this.wire('client');
    this.wire('upstream');
  }

  /** Bytes the gateway holds for this pairing, both directions (for limits and tests). */
  get bufferedAmount(): number {
    return this.client.bufferedAmount + this.upstream.bufferedAmount;
  }

  /** Graceful shutdown: both sides get a close (1001 where the draft carries codes). */
  shutdown(): void {
    this.first ??= { by: 'gateway', code: 1001, reason: 'gateway shutting down' };
    if (this.open.client) this.client.close(shutdownClose(this.client.caps));
    if (this.open.upstream) this.upstream.close(shutdownClose(this.upstream.caps));
  }

  terminate(): void {
    this.client.terminate();
    this.upstream.terminate();
  }

  private side(who: Who): Side {
    return who === 'client' ? this.client : this.upstream;
  }

  private wire(who: Who): void {
    const self = this.side(who);
    const otherWho: Who = who === 'client' ? 'upstream' : 'client';
    const other = this.side(otherWho);
    const map = who === 'client' ? this.options.toUpstream : this.options.toClient;
    this.armIdle(who);
    self.bind({
      activity: () => this.timers[who]?.refresh(),
      message: (data, isBinary) => {
        if (!this.open[otherWho]) return;
        const forward = map(data, isBinary);
        this.options.relayed(who, data.length, isBinary, forward);
        if (forward.kind === 'send') this.relay(forward.data, who, other);
        else if (forward.kind === 'close') {
          this.first ??= {
            by: 'gateway',
            code: forward.toSource.code ?? 1005,
            reason: forward.toSource.reason,
          };
          self.close(forward.toSource);
          other.close(forward.toTarget);
        }
      },
      close: (code, reason, wasClean) => {
        this.open[who] = false;
        clearTimeout(this.timers[who]);
        this.first ??= { by: who, code, reason };
        if (this.paused[otherWho]) this.resume(otherWho);
        if (this.open[otherWho]) other.close(mapClose(code, reason, wasClean, who, other.caps));
        else this.finish();
      },
    });
  }

  /**
   * Send toward `target`; past the high-water mark stop reading the source until the bytes just written
   * reached the OS (write callbacks run in order, so everything before them did too).
   */
  private relay(data: string | Buffer, source: Who, target: Side): void {
    let over = false;
    target.send(data, () => {
      if (over) this.resume(source);
    });
    if (target.bufferedAmount > this.options.highWaterMark && !this.paused[source]) {
      over = true;
      this.paused[source] = true;
      this.side(source).pause();
    }
  }

  private resume(who: Who): void {
    if (!this.paused[who]) return;
    this.paused[who] = false;
    if (this.open[who]) this.side(who).resume();
  }

  private armIdle(who: Who): void {
    const ms = who === 'client' ? this.options.clientIdleTimeout : this.options.upstreamIdleTimeout;
    if (ms <= 0) return;
    const timer = setTimeout(() => {
      const spec = idleClose(who, this.client.caps);
      this.first ??= { by: 'gateway', code: 1001, reason: `${who} idle timeout` };
      if (this.open.client) this.client.close(spec);
      if (this.open.upstream) this.upstream.close(idleClose(who, this.upstream.caps));
    }, ms);
    timer.unref();
    this.timers[who] = timer;
  }

  private finish(): void {
    const f = this.first ?? { by: 'gateway' as const, code: 1006, reason: '' };
    this.options.done(f.by, f.code, f.reason);
  }
}
