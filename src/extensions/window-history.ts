// The last 2^windowBits bytes a deflate stream saw: what a context-takeover peer may refer back to
// (RFC 7692 §7.2.3.3), kept as a plain buffer between messages instead of an idle zlib context.

export class WindowHistory {
  private buffer: Buffer | undefined;
  private filled = 0;

  constructor(private readonly size: number) {}

  /** The history as a zlib dictionary, or undefined while empty. */
  get dictionary(): Buffer | undefined {
    return this.filled === 0 ? undefined : this.buffer!.subarray(0, this.filled);
  }

  /** Bytes held (for memory figures). */
  get retained(): number {
    return this.buffer?.length ?? 0;
  }

  append(data: Uint8Array): void {
    const n = data.length;
    if (n === 0) return;
    const size = this.size;
    this.buffer ??= Buffer.allocUnsafe(size);
    const buf = this.buffer;
    if (n >= size) {
      buf.set(data.subarray(n - size));
      this.filled = size;
      return;
    }
    const keep = Math.min(this.filled, size - n);
    if (keep < this.filled) buf.copyWithin(0, this.filled - keep, this.filled);
    buf.set(data, keep);
    this.filled = keep + n;
  }

  /** Forget everything (no context takeover, or close). */
  clear(): void {
    this.buffer = undefined;
    this.filled = 0;
  }
}
