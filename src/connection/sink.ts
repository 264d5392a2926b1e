// The connection as its transport's sink: one small object per connection instead of a closure per event.
import { HELD, ON_CLOSE, ON_DATA, ON_DRAIN, ON_END } from './internal.js';
import type { TransportSink } from './transport.js';

/** What a sink forwards to: the Connection's symbol-keyed handlers. */
export interface SinkTarget {
  [ON_DATA](bytes: Buffer): void;
  [ON_END](): void;
  [ON_CLOSE](): void;
  [ON_DRAIN](): void;
  readonly [HELD]: number;
}

export class ConnectionSink implements TransportSink {
  constructor(private readonly conn: SinkTarget) {}
  data(bytes: Buffer): void {
    this.conn[ON_DATA](bytes);
  }
  end(): void {
    this.conn[ON_END]();
  }
  close(): void {
    this.conn[ON_CLOSE]();
  }
  drain(): void {
    this.conn[ON_DRAIN]();
  }
  held(): number {
    return this.conn[HELD];
  }
}
