// TCP reassembly in one pass: segments in (any order, retransmitted, one side missing), connections out as
// soon as they close. Bytes never seen are reported as gaps, never invented. Sans-I/O.
import type { TcpSegment } from './tcp-packet.js';

export type Side = 'client' | 'server';

export type StreamPiece =
  | { readonly dir: Side; readonly kind: 'data'; readonly bytes: Buffer }
  | { readonly dir: Side; readonly kind: 'end' };

/** Bytes of one direction the capture never had: `length` bytes missing before stream offset `at`. */
export interface Gap {
  readonly dir: Side;
  readonly at: number;
  readonly length: number;
}

export interface TcpConnection {
  /** In order of first packet, from 0 (like tshark's tcp.stream). */
  readonly index: number;
  readonly client: string;
  readonly server: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Data in the order it became contiguous, with each TCP segment's boundaries; FINs as `end`. */
  readonly pieces: readonly StreamPiece[];
  readonly gaps: readonly Gap[];
  /** Bytes beyond `maxBytesPerSide` that were counted but not kept, per side. */
  readonly dropped: { readonly client: number; readonly server: number };
  readonly reset: boolean;
}

export interface ReassemblyOptions {
  /** Bytes kept per direction (default 64 MiB); the rest is counted in `dropped`. */
  readonly maxBytesPerSide?: number;
  /** Out-of-order bytes held per direction before the hole is declared a gap (default 4 MiB). */
  readonly maxPendingPerSide?: number;
}

interface Half {
  /** The next sequence number we expect, once known. */
  next: number | undefined;
  /** Sequence number just past the FIN, once one was seen. */
  finAt: number | undefined;
  ended: boolean;
  /** Stream offset: bytes delivered or skipped as gaps. */
  offset: number;
  kept: number;
  pending: Map<number, Uint8Array>;
  pendingBytes: number;
}

interface Open {
  readonly index: number;
  client: string;
  server: string;
  firstSeen: number;
  lastSeen: number;
  pieces: StreamPiece[];
  gaps: Gap[];
  dropped: { client: number; server: number };
  reset: boolean;
  halves: { client: Half; server: Half };
  /** Whether the roles are known (a SYN was seen) or guessed from the first packet. */
  sure: boolean;
  synSeq: number | undefined;
}

const newHalf = (): Half => ({
  next: undefined,
  finAt: undefined,
  ended: false,
  offset: 0,
  kept: 0,
  pending: new Map(),
  pendingBytes: 0,
});

/** Closed 4-tuples remembered: a few MiB at most, whatever the capture's size. */
const MAX_CLOSED = 65_536;

/** a - b in 32-bit sequence space. */
const diff = (a: number, b: number) => (a - b) | 0;

export class TcpReassembler {
  private readonly open = new Map<string, Open>();
  /** Recently finished 4-tuples (oldest first), so stray packets after the close start no new connection. */
  private readonly closed = new Set<string>();
  private nextIndex = 0;
  private readonly maxBytes: number;
  private readonly maxPending: number;

  constructor(
    private readonly onConnection: (c: TcpConnection) => void,
    options: ReassemblyOptions = {},
  ) {
    this.maxBytes = options.maxBytesPerSide ?? 64 * 1024 * 1024;
    this.maxPending = options.maxPendingPerSide ?? 4 * 1024 * 1024;
  }

  /** Connections still open (the memory in use is theirs). */
  get openCount(): number {
    return this.open.size;
  }

  push(s: TcpSegment, time: number): void {
    const key = s.src < s.dst ? `${s.src}|${s.dst}` : `${s.dst}|${s.src}`;
    let c = this.open.get(key);
    const freshSyn = s.syn && !s.ack;
    // A SYN with another initial sequence number on an open 4-tuple: the old connection's close was not
    // captured and this is a new one (a retransmitted SYN carries the same number).
    if (c && freshSyn && c.synSeq !== s.seq && (c.synSeq !== undefined || c.pieces.length > 0)) {
      this.finish(key, c);
      c = undefined;
    }
    if (!c) {
      // The last ACK after both FINs, or a retransmission after a reset, belongs to the closed connection.
      if (this.closed.has(key) && !freshSyn) return;
      this.closed.delete(key);
      c = this.start(s, time);
      this.open.set(key, c);
    }
    c.lastSeen = time;
    if (!c.sure && s.syn) this.learnRoles(c, s);
    if (freshSyn) c.synSeq = s.seq;
    const dir: Side = s.src === c.client ? 'client' : 'server';
    const half = c.halves[dir];
    if (s.syn && half.next === undefined) half.next = (s.seq + 1) >>> 0;
    if (half.next === undefined) half.next = s.seq;
    const start = s.syn ? (s.seq + 1) >>> 0 : s.seq;
    if (s.payload.length > 0) this.data(c, dir, half, start, s.payload);
    if (s.fin && half.finAt === undefined) half.finAt = (start + s.payload.length) >>> 0;
    this.maybeEnd(c, dir, half);
    if (s.rst) c.reset = true;
    if (c.reset || (c.halves.client.ended && c.halves.server.ended)) this.finish(key, c);
  }

  /** The capture ended: every connection still open is reported, holes as gaps. */
  end(): void {
    for (const [key, c] of [...this.open]) this.finish(key, c);
  }

  private start(s: TcpSegment, time: number): Open {
    // Who is the client: the SYN's sender, else the SYN-ACK's receiver, else whoever sent an HTTP
    // request line, else the sender of the first packet seen.
    const startsResponse =
      s.payload.length >= 5 && Buffer.from(s.payload.subarray(0, 5)).toString('latin1') === 'HTTP/';
    const clientIsSrc = s.syn ? !s.ack : !startsResponse;
    return {
      index: this.nextIndex++,
      client: clientIsSrc ? s.src : s.dst,
      server: clientIsSrc ? s.dst : s.src,
      firstSeen: time,
      lastSeen: time,
      pieces: [],
      gaps: [],
      dropped: { client: 0, server: 0 },
      reset: false,
      halves: { client: newHalf(), server: newHalf() },
      sure: s.syn,
      synSeq: undefined,
    };
  }

  private learnRoles(c: Open, s: TcpSegment): void {
    c.sure = true;
    const client = s.ack ? s.dst : s.src;
    if (client === c.client) return;
    // The guess was wrong (data seen before the SYN was reordered after it): swap everything.
    [c.client, c.server] = [c.server, c.client];
    c.halves = { client: c.halves.server, server: c.halves.client };
    c.pieces = c.pieces.map((p) => ({ ...p, dir: p.dir === 'client' ? 'server' : 'client' }));
    c.gaps = c.gaps.map((g) => ({ ...g, dir: g.dir === 'client' ? 'server' : 'client' }));
    c.dropped = { client: c.dropped.server, server: c.dropped.client };
  }

  private data(c: Open, dir: Side, half: Half, start: number, payload: Uint8Array): void {
    const rel = diff(start, half.next!);
    if (rel > 0) {
      // Out of order: hold it until the hole fills, or give up on the hole when too much waits.
      const held = half.pending.get(start);
      if (!held || held.length < payload.length) {
        half.pendingBytes += payload.length - (held?.length ?? 0);
        half.pending.set(start, Uint8Array.from(payload));
      }
      if (half.pendingBytes > this.maxPending) this.skipHole(c, dir, half);
      return;
    }
    // Retransmission: only bytes past what we have are new.
    if (-rel >= payload.length) return;
    this.deliver(c, dir, half, payload.subarray(-rel));
    this.drain(c, dir, half);
  }

  private deliver(c: Open, dir: Side, half: Half, bytes: Uint8Array): void {
    half.next = (half.next! + bytes.length) >>> 0;
    half.offset += bytes.length;
    const room = Math.max(0, this.maxBytes - half.kept);
    if (room < bytes.length) c.dropped[dir] += bytes.length - room;
    if (room === 0) return;
    const kept = bytes.subarray(0, room);
    half.kept += kept.length;
    c.pieces.push({ dir, kind: 'data', bytes: Buffer.from(kept) });
  }

  /** Deliver held segments that have become contiguous. */
  private drain(c: Open, dir: Side, half: Half): void {
    for (let progressed = true; progressed && half.pending.size > 0; ) {
      progressed = false;
      for (const [seq, bytes] of half.pending) {
        const rel = diff(seq, half.next!);
        if (rel > 0) continue;
        half.pending.delete(seq);
        half.pendingBytes -= bytes.length;
        if (-rel < bytes.length) this.deliver(c, dir, half, bytes.subarray(-rel));
        progressed = true;
      }
    }
  }

  /** Jump over the hole before the lowest held segment, recording it as a gap. */
  private skipHole(c: Open, dir: Side, half: Half): void {
    let lowest: number | undefined;
    for (const seq of half.pending.keys()) if (lowest === undefined || diff(seq, lowest) < 0) lowest = seq;
    if (lowest === undefined) return;
    const length = diff(lowest, half.next!);
    c.gaps.push({ dir, at: half.offset, length });
    half.offset += length;
    half.next = lowest;
    this.drain(c, dir, half);
  }

  private maybeEnd(c: Open, dir: Side, half: Half): void {
    if (half.ended || half.finAt === undefined || half.next === undefined) return;
    if (diff(half.finAt, half.next) > 0) return;
    half.ended = true;
    c.pieces.push({ dir, kind: 'end' });
  }

  private finish(key: string, c: Open): void {
    this.open.delete(key);
    this.closed.add(key);
    if (this.closed.size > MAX_CLOSED) this.closed.delete(this.closed.values().next().value!);
    for (const dir of ['client', 'server'] as const) {
      const half = c.halves[dir];
      while (half.pending.size > 0) this.skipHole(c, dir, half);
      if (
        !half.ended &&
        half.finAt !== undefined &&
        half.next !== undefined &&
        diff(half.finAt, half.next) > 0
      ) {
        c.gaps.push({ dir, at: half.offset, length: diff(half.finAt, half.next) });
        half.next = half.finAt;
      }
      this.maybeEnd(c, dir, half);
    }
    const { index, client, server, firstSeen, lastSeen, pieces, gaps, dropped, reset } = c;
    this.onConnection({ index, client, server, firstSeen, lastSeen, pieces, gaps, dropped, reset });
  }
}
