// Reads the TCP connections of a pcap or pcapng file in one streaming pass (no tshark): each connection
// is handed over as soon as it closes, so memory follows the connections open at once, not the file.
import { createReadStream } from 'node:fs';
import { CaptureReader } from '../capture/capture-file.js';
import { type NotTcp, tcpSegment } from '../capture/tcp-packet.js';
import { type ReassemblyOptions, type TcpConnection, TcpReassembler } from '../capture/tcp-streams.js';

export { CaptureFormatError } from '../capture/capture-file.js';
export type { Gap, TcpConnection } from '../capture/tcp-streams.js';

export interface CaptureStats {
  readonly bytes: number;
  readonly frames: number;
  readonly tcpSegments: number;
  /** Frames that were not usable TCP, by why (link type, network protocol, IP fragment, ...). */
  readonly skipped: Readonly<Record<NotTcp, number>>;
  readonly connections: number;
  /** Most connections open at once: what the memory followed. */
  readonly peakOpen: number;
}

/** Feeds captured bytes through the reader and the reassembler; shared by the file reader and tests. */
export class CaptureDecoder {
  private readonly reader = new CaptureReader();
  private readonly tcp: TcpReassembler;
  private readonly skipped: Record<NotTcp, number> = {
    link: 0,
    network: 0,
    fragment: 0,
    transport: 0,
    short: 0,
  };
  private bytes = 0;
  private frames = 0;
  private segments = 0;
  private connections = 0;
  private peakOpen = 0;

  constructor(onConnection: (c: TcpConnection) => void, options: ReassemblyOptions = {}) {
    this.tcp = new TcpReassembler((c) => {
      this.connections++;
      onConnection(c);
    }, options);
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    // A plain Uint8Array view: a Buffer's subarray builds a Buffer, several times dearer per packet.
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    for (const f of this.reader.push(bytes)) {
      this.frames++;
      const s = tcpSegment(f.linkType, f.data);
      if (typeof s === 'string') this.skipped[s]++;
      else {
        this.segments++;
        this.tcp.push(s, f.time);
        if (this.tcp.openCount > this.peakOpen) this.peakOpen = this.tcp.openCount;
      }
    }
  }

  /** The input ended: throws CaptureFormatError for a truncated file, else reports what is still open. */
  end(): CaptureStats {
    this.reader.end();
    this.tcp.end();
    return {
      bytes: this.bytes,
      frames: this.frames,
      tcpSegments: this.segments,
      skipped: { ...this.skipped },
      connections: this.connections,
      peakOpen: this.peakOpen,
    };
  }
}

/** Stream `file` and call `onConnection` for every TCP connection, in the order they close. */
export async function readCapture(
  file: string,
  onConnection: (c: TcpConnection) => void | Promise<void>,
  options: ReassemblyOptions = {},
): Promise<CaptureStats> {
  const waiting: (void | Promise<void>)[] = [];
  const decoder = new CaptureDecoder((c) => waiting.push(onConnection(c)), options);
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    decoder.push(chunk as Buffer);
    // Let the consumer's writes finish before reading on, so they cannot pile up.
    if (waiting.length > 0) await Promise.all(waiting.splice(0));
  }
  const stats = decoder.end();
  await Promise.all(waiting.splice(0));
  return stats;
}

/** Every TCP connection with data, in order of first packet (tshark's stream order). */
export async function tcpConnections(
  file: string,
  options: ReassemblyOptions = {},
): Promise<TcpConnection[]> {
  const all: TcpConnection[] = [];
  await readCapture(file, (c) => void all.push(c), options);
  return all.filter((c) => c.pieces.some((p) => p.kind === 'data')).sort((a, b) => a.index - b.index);
}
