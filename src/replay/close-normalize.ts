// Close frames compared by code only: RFC 6455 §5.5.1 leaves the reason free text (like HTTP refusal bodies).

/**
 * The stream with every unmasked hybi close frame reduced to its code (`88 02 hi lo`, or `88 00`).
 * Masked frames and anything unparsable are left as they are; never throws.
 */
export function withoutCloseReasons(stream: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 2 <= stream.length) {
    const b0 = stream[at]!;
    const b1 = stream[at + 1]!;
    let len = b1 & 0x7f;
    let headLen = 2;
    if (len === 126) {
      if (at + 4 > stream.length) break;
      len = stream.readUInt16BE(at + 2);
      headLen = 4;
    } else if (len === 127) {
      if (at + 10 > stream.length) break;
      const big = stream.readBigUInt64BE(at + 2);
      if (big > BigInt(stream.length)) break;
      len = Number(big);
      headLen = 10;
    }
    if (b1 & 0x80) headLen += 4;
    const end = at + headLen + len;
    if (end > stream.length) break;
    if ((b0 & 0x0f) === 0x8 && !(b1 & 0x80) && len > 2)
      out.push(Buffer.from([b0, 2]), stream.subarray(at + headLen, at + headLen + 2));
    else out.push(stream.subarray(at, end));
    at = end;
  }
  out.push(stream.subarray(at));
  return Buffer.concat(out);
}
