// One client paired with its upstream: the bridge wired to the policy for this upstream kind, plus the
// open/close log records and the per-draft and per-direction counters.
import type { IncomingMessage } from 'node:http';
import type { Connection } from '../connection/connection.js';
import { Bridge, type BridgeOptions } from './bridge.js';
import { connectionSide } from './connection-side.js';
import type { LogRecord } from './log.js';
import type { GatewayMetrics } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import { clientToTcp, clientToUpstream, tcpFraming, tcpToClient, upstreamToClient } from './policy.js';
import type { Side } from './side.js';
import { clientAddress } from './target.js';

export interface PairingInit {
  readonly options: ResolvedOptions;
  readonly metrics: GatewayMetrics;
  readonly log: (record: LogRecord) => void;
  readonly id: number;
  readonly conn: Connection;
  readonly req: IncomingMessage;
  readonly upstream: Side;
  readonly userAgent: string;
  readonly origin: string | undefined;
  readonly done: () => void;
}

/** The message policy for this client: websockify framing for tcp://, draft mapping for ws(s)://. */
function policyFor(
  o: ResolvedOptions,
  conn: Connection,
  metrics: GatewayMetrics,
): Pick<BridgeOptions, 'toUpstream' | 'toClient'> {
  if (o.upstream.kind === 'tcp') {
    const framing = tcpFraming(conn.caps, conn.protocol);
    return {
      toUpstream: (data, isBinary) => {
        const r = clientToTcp(data, isBinary, framing);
        return r.ok
          ? { kind: 'send', data: r.bytes }
          : { kind: 'close', toSource: r.close, toTarget: { code: undefined, reason: '' } };
      },
      toClient: (data) => ({ kind: 'send', data: tcpToClient(data, framing) }),
    };
  }
  return {
    toUpstream: clientToUpstream,
    toClient: (data, isBinary) => {
      if (isBinary && !conn.caps.binary) metrics.binaryToLegacy[o.binaryToLegacy]++;
      return upstreamToClient(data, isBinary, conn.caps, o.binaryToLegacy);
    },
  };
}

/** The client's Connection applies the binary policy itself; 'close' stays the gateway's (policy.ts). */
function applyBinaryPolicy(o: ResolvedOptions, conn: Connection): void {
  if (o.upstream.kind === 'tcp' || conn.caps.binary) return;
  if (o.binaryToLegacy !== 'close') conn.binaryToLegacy = o.binaryToLegacy;
}

export function startPairing(p: PairingInit): Bridge {
  const { options: o, metrics, conn } = p;
  const remote = clientAddress(
    p.req.headers['x-forwarded-for'] as string | undefined,
    p.req.socket.remoteAddress ?? '',
    o.trustProxy,
  );
  const started = Date.now();
  const counts = { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
  metrics.opened(conn.draft);
  applyBinaryPolicy(o, conn);
  // Fields every record of this connection carries, so open and close lines can be joined by id.
  const about = () => ({ time: new Date().toISOString(), id: p.id, draft: conn.draft, remote });
  p.log({
    event: 'open',
    ...about(),
    userAgent: p.userAgent,
    origin: p.origin ?? '',
    path: p.req.url ?? '/',
    protocol: conn.protocol,
  });
  return new Bridge(connectionSide(conn), p.upstream, {
    ...policyFor(o, conn, metrics),
    highWaterMark: o.highWaterMark,
    clientIdleTimeout: o.clientIdleTimeout,
    upstreamIdleTimeout: o.upstreamIdleTimeout,
    relayed: (from, bytes) => {
      if (from === 'client') {
        counts.messagesIn++;
        counts.bytesIn += bytes;
        metrics.message('client_to_upstream', bytes);
      } else {
        counts.messagesOut++;
        counts.bytesOut += bytes;
        metrics.message('upstream_to_client', bytes);
      }
    },
    done: (by, code, reason) => {
      metrics.closed(conn.draft);
      p.log({
        event: 'close',
        ...about(),
        by,
        code,
        reason,
        durationMs: Date.now() - started,
        ...counts,
      });
      p.done();
    },
  });
}
