// Incremental reader of pcap and pcapng files: bytes in (any chunking), captured frames out. Sans-I/O.

/** One captured frame as the file stores it. `data` is a view into the pushed chunk: copy what you keep. */
export interface Frame {
  readonly linkType: number;
  /** Milliseconds since the Unix epoch (fractional). */
  readonly time: number;
  readonly data: Uint8Array;
  /** Byte offset of the record in the file, for error messages. */
  readonly offset: number;
}

export class CaptureFormatError extends Error {
  override name = 'CaptureFormatError';
}

/** Larger records are corruption, not packets (pcapng allows more, but no link layer we read does). */
const MAX_RECORD = 16 * 1024 * 1024;

const SHB = 0x0a0d0d0a;

interface Iface {
  readonly linkType: number;
  /** Timestamp units per millisecond. */
  readonly unitsPerMs: number;
  readonly snaplen: number;
}

type Format =
  | { kind: 'unknown' }
  | { kind: 'pcap'; le: boolean; unitsPerMs: number; linkType: number }
  | { kind: 'pcapng'; le: boolean; ifaces: Iface[] };

function u32(b: Uint8Array, at: number, le: boolean): number {
  return le
    ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
    : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
const u16 = (b: Uint8Array, at: number, le: boolean) =>
  le ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;

/** if_tsresol: high bit set means 2^-n seconds, else 10^-n (pcapng §4.2). */
function unitsPerMsOf(tsresol: number): number {
  const n = tsresol & 0x7f;
  return (tsresol & 0x80 ? 2 ** n : 10 ** n) / 1000;
}

export class CaptureReader {
  private format: Format = { kind: 'unknown' };
  private rest: Uint8Array = new Uint8Array(0);
  /** File offset of `rest[0]`. */
  private at = 0;

  /** Feed the next bytes of the file; returns every frame completed by them. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let pos = 0;
    if (this.rest.length > 0) {
      pos = this.stitch(chunk, frames);
      if (pos < 0) return frames;
    }
    for (;;) {
      const used = this.next(chunk, pos, frames);
      if (used === 0) break;
      pos += used;
    }
    this.at += pos;
    // Copy the tail: it would otherwise pin the whole chunk until the next push.
    this.rest = chunk.slice(pos);
    return frames;
  }

  /**
   * Complete the record begun in `rest` with the start of `chunk`, copying only what that record needs
   * (not the whole chunk); returns where the chunk's own records start, or -1 when all of it was taken.
   */
  private stitch(chunk: Uint8Array, frames: Frame[]): number {
    for (let take = Math.min(chunk.length, 64 * 1024); ; take = Math.min(chunk.length, take * 4)) {
      const buf = concat(this.rest, chunk.subarray(0, take));
      const used = this.next(buf, 0, frames);
      if (used > 0) {
        // The record was incomplete in `rest`, so it ends inside the chunk; `at` becomes chunk[0]'s offset.
        const pos = used - this.rest.length;
        this.at += this.rest.length;
        this.rest = new Uint8Array(0);
        return pos;
      }
      if (take === chunk.length) {
        this.rest = buf;
        return -1;
      }
    }
  }

  /** The file ended: anything left over is a record cut short. */
  end(): void {
    if (this.format.kind === 'unknown' && this.at === 0 && this.rest.length === 0)
      throw new CaptureFormatError('the file is empty: not a pcap or pcapng capture');
    if (this.rest.length > 0)
      throw new CaptureFormatError(
        `the capture is truncated: ${this.rest.length} bytes of an incomplete ${this.format.kind === 'unknown' ? 'file header' : 'packet record'} at byte offset ${this.at}`,
      );
  }

  /** Parse one header or record at `pos`; returns the bytes consumed, 0 when more input is needed. */
  private next(b: Uint8Array, pos: number, frames: Frame[]): number {
    const avail = b.length - pos;
    const f = this.format;
    if (f.kind === 'unknown') return this.header(b, pos, avail);
    if (f.kind === 'pcap') {
      if (avail < 16) return 0;
      const incl = u32(b, pos + 8, f.le);
      if (incl > MAX_RECORD) throw this.corrupt(pos, `a packet record claims ${incl} bytes`);
      if (avail < 16 + incl) return 0;
      const time = u32(b, pos, f.le) * 1000 + u32(b, pos + 4, f.le) / f.unitsPerMs;
      frames.push({
        linkType: f.linkType,
        time,
        data: b.subarray(pos + 16, pos + 16 + incl),
        offset: this.at + pos,
      });
      return 16 + incl;
    }
    if (avail < 12) return 0;
    const type = u32(b, pos, f.le);
    if (type === SHB) return this.header(b, pos, avail);
    const len = u32(b, pos + 4, f.le);
    if (len < 12 || len % 4 !== 0 || len > MAX_RECORD) throw this.corrupt(pos, `a block claims ${len} bytes`);
    if (avail < len) return 0;
    if (u32(b, pos + len - 4, f.le) !== len) throw this.corrupt(pos, 'a block ends with a different length');
    this.block(type, b.subarray(pos + 8, pos + len - 4), f, frames, pos);
    return len;
  }

  private corrupt(pos: number, what: string): CaptureFormatError {
    return new CaptureFormatError(`the capture is corrupt at byte offset ${this.at + pos}: ${what}`);
  }

  /** A pcap global header or a pcapng section header block. */
  private header(b: Uint8Array, pos: number, avail: number): number {
    if (avail < 12) return 0;
    const magicLe = u32(b, pos, true);
    if (magicLe === SHB) {
      const le = u32(b, pos + 8, true) === 0x1a2b3c4d;
      if (!le && u32(b, pos + 8, false) !== 0x1a2b3c4d)
        throw this.corrupt(pos, 'bad pcapng byte-order magic');
      const len = u32(b, pos + 4, le);
      if (len < 28 || len > MAX_RECORD) throw this.corrupt(pos, `a section header claims ${len} bytes`);
      if (avail < len) return 0;
      this.format = { kind: 'pcapng', le, ifaces: [] };
      return len;
    }
    if (avail < 24) return 0;
    const variants: Record<number, [boolean, number]> = {
      2712847316: [true, 1000],
      3569595041: [false, 1000],
      2712812621: [true, 1_000_000],
      1295823521: [false, 1_000_000],
    };
    const v = variants[magicLe];
    if (!v)
      throw new CaptureFormatError(
        `not a pcap or pcapng capture (magic 0x${magicLe.toString(16).padStart(8, '0')} at the start)`,
      );
    const [le, unitsPerMs] = v;
    this.format = { kind: 'pcap', le, unitsPerMs, linkType: u32(b, pos + 20, le) & 0xffff };
    return 24;
  }

  private block(
    type: number,
    body: Uint8Array,
    f: Format & { kind: 'pcapng' },
    frames: Frame[],
    pos: number,
  ) {
    const offset = this.at + pos;
    if (type === 1) {
      // Interface Description Block: link type, snaplen, options (if_tsresol = 9).
      let unitsPerMs = 1000;
      for (let o = 8; o + 4 <= body.length; ) {
        const code = u16(body, o, f.le);
        const len = u16(body, o + 2, f.le);
        if (code === 0) break;
        if (code === 9 && len >= 1) unitsPerMs = unitsPerMsOf(body[o + 4]!);
        o += 4 + Math.ceil(len / 4) * 4;
      }
      f.ifaces.push({ linkType: u16(body, 0, f.le), unitsPerMs, snaplen: u32(body, 4, f.le) });
      return;
    }
    const iface = (id: number) => {
      const i = f.ifaces[id];
      if (!i) throw this.corrupt(pos, `a packet names interface ${id}, which no block described`);
      return i;
    };
    const time = (i: Iface, hi: number, lo: number) => (hi * 2 ** 32 + lo) / i.unitsPerMs;
    if (type === 6 || type === 2) {
      // Enhanced Packet Block; the obsolete Packet Block has a 16-bit interface id and drop count.
      const i = iface(type === 6 ? u32(body, 0, f.le) : u16(body, 0, f.le));
      const cap = u32(body, 12, f.le);
      if (20 + cap > body.length) throw this.corrupt(pos, 'a packet is longer than its block');
      const t = time(i, u32(body, 4, f.le), u32(body, 8, f.le));
      frames.push({ linkType: i.linkType, time: t, data: body.subarray(20, 20 + cap), offset });
    } else if (type === 3) {
      // Simple Packet Block: interface 0, no timestamp.
      const i = iface(0);
      const orig = u32(body, 0, f.le);
      const cap = Math.min(orig, i.snaplen || orig, body.length - 4);
      frames.push({ linkType: i.linkType, time: 0, data: body.subarray(4, 4 + cap), offset });
    }
    // Other blocks (name resolution, statistics, custom) carry no packets.
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
