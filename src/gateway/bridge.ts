// Pairs a client side with its upstream side: messages through the policy, backpressure both ways,
// idle timers per side, and a close relayed end to end: one side's close frame goes to the other, messages
// keep flowing until that side answers, and its answer is the first side's reply (RFC 6455 §5.5.1, §7.1.4).
import type { CloseSpec, Forward } from './policy.js';
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
  /** Counts one message written to the other side (never one dropped or refused): direction and bytes. */
  readonly relayed: (from: Who, bytes: number) => void;
  /** Both sides are finished: who ended first and with what. */
  readonly done: (by: Who | 'gateway', code: number, reason: string) => void;
}

/** One client and its upstream. Construct after both are open; it binds both sides at once. */
export class Bridge {
  private readonly open = { client: true, upstream: true };
  /** The gateway sent this side a close (relayed, idle, shutdown, policy): its close frame is the answer. */
  private readonly asked = { client: false, upstream: false };
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
    this.closeSide('client', shutdownClose(this.client.caps));
    this.closeSide('upstream', shutdownClose(this.upstream.caps));
  }

  terminate(): void {
    this.client.terminate();
    this.upstream.terminate();
  }

  private side(who: Who): Side {
    return who === 'client' ? this.client : this.upstream;
  }

  private closeSide(who: Who, spec: CloseSpec): void {
    if (!this.open[who]) return;
    this.asked[who] = true;
    this.side(who).close(spec);
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
        if (forward.kind === 'send') this.relay(forward.data, who, other, data.length);
        else if (forward.kind === 'close') {
          this.first ??= {
            by: 'gateway',
            code: forward.toSource.code ?? 1005,
            reason: forward.toSource.reason,
          };
          this.closeSide(who, forward.toSource);
          this.closeSide(otherWho, forward.toTarget);
        }
      },
      closing: (code, reason, clean) => {
        const spec = mapClose(code, reason, clean, who, other.caps);
        // The answer to a close the gateway sent: it becomes the other side's reply (or, when the other
        // side is gone, this side already has its answer from close()).
        if (this.asked[who]) {
          if (this.open[otherWho]) other.close(spec);
          return;
        }
        this.first ??= { by: who, code, reason };
        if (this.open[otherWho]) this.closeSide(otherWho, spec);
        else self.close({ code: clean && code !== 1005 ? code : undefined, reason });
      },
      close: (code, reason, wasClean) => {
        this.open[who] = false;
        clearTimeout(this.timers[who]);
        this.first ??= { by: who, code, reason };
        if (this.paused[otherWho]) this.resume(otherWho);
        if (this.open[otherWho]) this.closeSide(otherWho, mapClose(code, reason, wasClean, who, other.caps));
        else this.finish();
      },
    });
  }

  /**
   * Send toward `target`; past the high-water mark stop reading the source until the bytes just written
   * reached the OS (write callbacks run in order, so everything before them did too).
   */
  private relay(data: string | Buffer, source: Who, target: Side, bytes: number): void {
    let over = false;
    target.send(data, (written) => {
      if (written) this.options.relayed(source, bytes);
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
      this.first ??= { by: 'gateway', code: 1001, reason: `${who} idle timeout` };
      this.closeSide('client', idleClose(who, this.client.caps));
      this.closeSide('upstream', idleClose(who, this.upstream.caps));
    }, ms);
    timer.unref();
    this.timers[who] = timer;
  }

  private finish(): void {
    const f = this.first ?? { by: 'gateway' as const, code: 1006, reason: '' };
    this.options.done(f.by, f.code, f.reason);
  }
}
