// Counts server frames (RFC 6455 §5.2, unmasked) in a byte stream without reading their payloads: compressed
// echoes vary in length, so the load client cannot count replies by size.

export class FrameCounter {
  private header = Buffer.alloc(0);
  /** Payload bytes of the current frame still to skip; -1 between frames. */
  private skip = -1;
  /** Payload bytes of every frame whose header has been read. */
  payloadBytes = 0;

  /** Frames completed by `chunk`. */
  push(chunk: Buffer): number {
    let frames = 0;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skip >= 0) {
        const n = Math.min(this.skip, chunk.length - pos);
        this.skip -= n;
        pos += n;
        if (this.skip === 0) {
          this.skip = -1;
          frames++;
        }
        continue;
      }
      // Gather the header (2, 4 or 10 bytes) even when it spans chunks.
      const need = (bytes: Buffer): number => {
        if (bytes.length < 2) return 2;
        const len = bytes[1]! & 0x7f;
        return len === 126 ? 4 : len === 127 ? 10 : 2;
      };
      const take = Math.min(chunk.length - pos, 10);
      const h = Buffer.concat([this.header, chunk.subarray(pos, pos + take)]);
      const size = need(h);
      if (h.length < size) {
        this.header = h;
        pos += take;
        continue;
      }
      const used = size - this.header.length;
      this.header = Buffer.alloc(0);
      pos += used;
      const len7 = h[1]! & 0x7f;
      const length = len7 === 126 ? h.readUInt16BE(2) : len7 === 127 ? h.readUInt32BE(6) : len7;
      this.payloadBytes += length;
      if (length === 0) frames++;
      else this.skip = length;
    }
    return frames;
  }
}
