// Hex plus printable rendering of one segment, and its strict inverse (fixtures/README.md "Segments").

const PER_LINE = 16;

/** The printable column: ASCII graphic characters and space as-is, every other byte as '.'. */
export function printableColumn(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  return out;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** `  0010  0d 0a 48 6f ...  |..Ho|` lines, 16 bytes each, offsets relative to the segment. */
export function hexdumpLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += PER_LINE) {
    const chunk = bytes.subarray(off, Math.min(off + PER_LINE, bytes.length));
    // A table lookup per byte: imports write megabytes of these lines.
    let hex = HEX[chunk[0]!]!;
    for (let i = 1; i < chunk.length; i++) hex += ` ${HEX[chunk[i]!]}`;
    lines.push(
      `  ${off.toString(16).padStart(4, '0')}  ${hex.padEnd(PER_LINE * 3 - 1)}  |${printableColumn(chunk)}|`,
    );
  }
  return lines;
}

const LINE = /^ {2}([0-9a-f]{4,8}) {2}((?:[0-9a-f]{2} )*[0-9a-f]{2}) *\|(.*)\|$/;

/** One parsed hexdump line, or an error message (the caller adds file:line). */
export function parseHexdumpLine(
  text: string,
  expectedOffset: number,
): { readonly bytes: Buffer } | { readonly error: string } {
  const m = LINE.exec(text);
  if (!m) return { error: 'malformed hexdump line (expected "  OFFS  xx xx ...  |text|")' };
  const offset = Number.parseInt(m[1]!, 16);
  if (offset !== expectedOffset)
    return {
      error: `offset 0x${m[1]} where 0x${expectedOffset.toString(16).padStart(4, '0')} was expected`,
    };
  const bytes = Buffer.from(m[2]!.replaceAll(' ', ''), 'hex');
  if (bytes.length > PER_LINE) return { error: `more than ${PER_LINE} bytes on one line` };
  const shown = printableColumn(bytes);
  if (m[3] !== shown)
    return {
      error: `printable column ${JSON.stringify(m[3])} does not match the hex (${JSON.stringify(shown)})`,
    };
  return { bytes };
}
