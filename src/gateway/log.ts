// The gateway's structured log records and their JSON-lines form (one object per line, no pretty-printing).
import type { DraftId } from '../core/types.js';

/** One event in a connection's life, or a gateway-wide event. */
export type LogRecord =
  | {
      readonly event: 'listening';
      readonly time: string;
      readonly address: string;
      readonly upstream: string;
    }
  | {
      readonly event: 'open';
      readonly time: string;
      readonly id: number;
      readonly draft: DraftId;
      readonly remote: string;
      readonly userAgent: string;
      readonly origin: string;
      readonly path: string;
      readonly protocol: string;
    }
  | {
      readonly event: 'close';
      readonly time: string;
      readonly id: number;
      readonly draft: DraftId;
      readonly remote: string;
      /** Which side ended first and with what (code, reason as reported on that side). */
      readonly by: 'client' | 'upstream' | 'gateway';
      readonly code: number;
      readonly reason: string;
      readonly durationMs: number;
      readonly messagesIn: number;
      readonly messagesOut: number;
      readonly bytesIn: number;
      readonly bytesOut: number;
    }
  | {
      readonly event: 'reject';
      readonly time: string;
      readonly reason: RejectReason;
      readonly status: number;
      readonly draft: DraftId | '';
      readonly remote: string;
      readonly userAgent: string;
      readonly origin: string;
      readonly path: string;
      readonly detail: string;
    }
  | { readonly event: 'shutdown'; readonly time: string; readonly open: number };

/** Why a client was refused; also the `reason` label of the rejections metric. */
export type RejectReason =
  | 'origin'
  | 'max_connections'
  | 'upstream_refused'
  | 'upstream_unreachable'
  | 'handshake'
  | 'shutting_down';

/** A record as one line of JSON, newline-terminated. */
export function jsonLine(record: LogRecord): string {
  return `${JSON.stringify(record)}\n`;
}
