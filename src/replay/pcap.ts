// Reads TCP connections out of a packet capture with Debian's tshark (`-z follow,tcp,raw`), one per stream.
import { execFile } from 'node:child_process';
import type { RecordedSegment } from './recorder.js';

export class TsharkMissing extends Error {
  override name = 'TsharkMissing';
}

function tshark(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('tshark', args, { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT')
        reject(new TsharkMissing('tshark is not installed (Debian: apt-get install tshark)'));
      else if (err) reject(new Error(`tshark failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/**
 * Parse one `follow,tcp,raw` report: node 0 (the side that spoke first, normally the client) writes lines
 * at column 0, node 1 lines start with a tab; each line is one segment's payload in hex.
 */
export function parseFollowRaw(text: string): RecordedSegment[] {
  const segments: RecordedSegment[] = [];
  let inBody = false;
  for (const line of text.split('\n')) {
    if (/^Node 1: /.test(line)) {
      inBody = true;
      continue;
    }
    if (!inBody || line.startsWith('=====')) continue;
    const server = line.startsWith('\t');
    const hex = line.trim();
    if (!/^([0-9a-f]{2})+$/.test(hex)) continue;
    segments.push({ dir: server ? 'server' : 'client', kind: 'data', bytes: Buffer.from(hex, 'hex') });
  }
  return segments;
}

export async function tcpStreams(file: string): Promise<RecordedSegment[][]> {
  const ids = (await tshark(['-r', file, '-T', 'fields', '-e', 'tcp.stream', '-Y', 'tcp.len > 0']))
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => /^\d+$/.test(s));
  const unique = [...new Set(ids)].map(Number).sort((a, b) => a - b);
  const out: RecordedSegment[][] = [];
  for (const id of unique)
    out.push(parseFollowRaw(await tshark(['-r', file, '-q', '-z', `follow,tcp,raw,${id}`])));
  return out;
}
