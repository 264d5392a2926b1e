// A recording TCP proxy: forwards each connection to an upstream and keeps every chunk, in order, per direction.
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { Direction } from './fixture.js';

export type RecordedSegment =
  | { readonly dir: Direction; readonly kind: 'data'; readonly bytes: Buffer }
  | { readonly dir: Direction; readonly kind: 'end' };

export interface RecordedConnection {
  readonly id: number;
  readonly segments: RecordedSegment[];
  /** Set when the upstream could not be connected to (ECONNREFUSED, ENOTFOUND...): nothing was relayed. */
  upstreamError?: Error & { code?: string };
}

export interface RecorderOptions {
  readonly listenPort: number;
  readonly listenHost?: string;
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  /** Called once both directions have ended (or either side errored). */
  readonly onConnection: (c: RecordedConnection) => void;
}

export interface Recorder {
  readonly port: number;
  close(): Promise<void>;
}

function pipeRecorded(
  from: Socket,
  to: Socket,
  dir: Direction,
  rec: RecordedConnection,
  done: () => void,
): void {
  from.on('data', (chunk: Buffer) => {
    rec.segments.push({ dir, kind: 'data', bytes: Buffer.from(chunk) });
    // One read forwarded as one write keeps the recorded boundary on the far side too (Nagle is off).
    to.write(chunk);
  });
  from.on('end', () => {
    rec.segments.push({ dir, kind: 'end' });
    to.end();
    done();
  });
}

export function startRecorder(options: RecorderOptions): Promise<Recorder> {
  let nextId = 1;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const rec: RecordedConnection = { id: nextId++, segments: [] };
    let upstreamConnected = false;
    const upstream = netConnect({ host: options.upstreamHost, port: options.upstreamPort }, () => {
      upstreamConnected = true;
    });
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    let pending = 2;
    let reported = false;
    const finish = () => {
      if (reported) return;
      reported = true;
      options.onConnection(rec);
    };
    const halfDone = () => {
      if (--pending === 0) finish();
    };
    // Data the client sends before the upstream connects is buffered by the socket's own write queue.
    pipeRecorded(client, upstream, 'client', rec, halfDone);
    pipeRecorded(upstream, client, 'server', rec, halfDone);
    const fail = () => {
      client.destroy();
      upstream.destroy();
      finish();
    };
    client.on('error', fail);
    upstream.on('error', (err) => {
      if (!upstreamConnected) rec.upstreamError = err;
      fail();
    });
    client.on('close', () => {
      if (!upstream.destroyed) upstream.end();
      if (pending > 0) setTimeout(fail, 200).unref();
    });
    upstream.on('close', () => {
      if (!client.destroyed) client.end();
      if (pending > 0) setTimeout(fail, 200).unref();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort, options.listenHost ?? '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : options.listenPort;
      resolve({
        port,
        close: () =>
          new Promise<void>((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      });
    });
  });
}
