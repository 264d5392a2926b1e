// tshark and dumpcap for the capture tests: live loopback captures, and tshark's own reassembly of a
// capture (`-z follow,tcp,raw`) to cross-check ours. Tests skip when they are absent or lack rights.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import type { RecordedSegment } from '../../src/replay/recorder.js';

export function have(tool: 'tshark' | 'dumpcap'): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export interface CaptureSpec {
  readonly tool: 'tshark' | 'dumpcap';
  readonly iface: 'lo' | 'any';
  /** dumpcap/tshark -y, e.g. LINUX_SLL2 on `any`. */
  readonly linkType?: string;
  /** Classic pcap instead of pcapng. */
  readonly pcap?: boolean;
}

/** Starts a capture of one TCP port; resolves once it is live, or with why it cannot run. */
export function startCapture(spec: CaptureSpec, port: number, file: string): Promise<ChildProcess | string> {
  const args = ['-i', spec.iface, '-f', `tcp port ${port}`, '-w', file];
  if (spec.linkType) args.push('-y', spec.linkType);
  if (spec.pcap) args.push(...(spec.tool === 'dumpcap' ? ['-P'] : ['-F', 'pcap']));
  const child = spawn(spec.tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`${spec.tool} did not start capturing: ${err}`);
    }, 15_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += String(d);
      // "Capturing on" comes before the capture is live: a grace period on a loaded machine.
      if (/Capturing on/.test(err)) {
        clearTimeout(timer);
        setTimeout(() => resolve(child), 2000);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(`${spec.tool} exited: ${err.trim()}`);
    });
  });
}

export async function stopCapture(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

function run(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('tshark', args, { maxBuffer: 64 * 1024 * 1024, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`tshark: ${stderr.trim() || err.message}`)) : resolve(stdout),
    );
  });
}

/** tshark's `follow,tcp,raw` report: node 0 lines at column 0, node 1 lines indented by a tab. */
function parseFollowRaw(text: string): RecordedSegment[] {
  const segments: RecordedSegment[] = [];
  let inBody = false;
  for (const line of text.split('\n')) {
    if (/^Node 1: /.test(line)) {
      inBody = true;
      continue;
    }
    if (!inBody || line.startsWith('=====')) continue;
    const hex = line.trim();
    if (!/^([0-9a-f]{2})+$/.test(hex)) continue;
    segments.push({
      dir: line.startsWith('\t') ? 'server' : 'client',
      kind: 'data',
      bytes: Buffer.from(hex, 'hex'),
    });
  }
  return segments;
}

/** tshark's reassembly of every TCP stream with payload, in stream order. */
export async function tsharkStreams(file: string): Promise<RecordedSegment[][]> {
  const ids = (await run(['-r', file, '-T', 'fields', '-e', 'tcp.stream', '-Y', 'tcp.len > 0']))
    .split('\n')
    .filter((s) => /^\d+$/.test(s.trim()))
    .map(Number);
  const out: RecordedSegment[][] = [];
  for (const id of [...new Set(ids)].sort((a, b) => a - b))
    out.push(parseFollowRaw(await run(['-r', file, '-q', '-z', `follow,tcp,raw,${id}`])));
  return out;
}

/** tshark's verdict on a file: its error text, or '' when it reads it cleanly. */
export function tsharkReadError(file: string): Promise<string> {
  return run(['-r', file, '-q']).then(
    () => '',
    (err: Error) => err.message,
  );
}
