// Replay progress on standard error: a redrawn bar with ETA on a terminal, else at most one line a second.
export interface ProgressSink {
  readonly isTTY: boolean;
  write(text: string): unknown;
  /** Terminal width, when known. */
  readonly columns?: number;
}

/** Redraws on a terminal are throttled too: a 10,000-trace run must not spend its time painting. */
const TTY_INTERVAL_MS = 100;
const LINE_INTERVAL_MS = 1000;

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export class Progress {
  private last = Number.NEGATIVE_INFINITY;
  private readonly started: number;
  private drawn = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly total: number,
    private readonly now: () => number,
  ) {
    this.started = now();
  }

  /** One more trace done (`failed` so far is shown); prints only when the throttle allows. */
  update(done: number, failed: number, label: string): void {
    const t = this.now();
    const final = done === this.total;
    if (!final && t - this.last < (this.sink.isTTY ? TTY_INTERVAL_MS : LINE_INTERVAL_MS)) return;
    if (final && !this.sink.isTTY && t - this.last < LINE_INTERVAL_MS) return;
    this.last = t;
    const elapsed = t - this.started;
    const eta = done === 0 ? '?' : duration((elapsed / done) * (this.total - done));
    const pct = Math.floor((done / this.total) * 100);
    const counts = `${done}/${this.total} ${pct}%${failed ? ` ${failed} failed` : ''} ETA ${eta}`;
    if (!this.sink.isTTY) {
      this.sink.write(`[${counts}] ${label}\n`);
      return;
    }
    const width = 24;
    const filled = Math.round((done / this.total) * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${counts}`;
    const room = Math.max(0, (this.sink.columns ?? 80) - bar.length - 2);
    this.sink.write(`\r\x1b[2K${bar}  ${label.slice(-room)}`);
    this.drawn = true;
  }

  /** Clears the bar so the report that follows starts on a clean line. */
  finish(): void {
    if (this.drawn) this.sink.write('\r\x1b[2K');
    this.drawn = false;
  }
}
