// One client handshake as the census counts it, from captured request bytes or a gateway log record.

import { headerList, headerValue, requestOrigin } from '../core/headers.js';
import { parseRequestHead } from '../core/http-head.js';
import type { DraftId } from '../core/types.js';
import type { LogRecord } from '../gateway/log.js';
import { reportRequest } from '../sniff/report.js';

export interface Handshake {
  /** Milliseconds since the epoch; NaN when the source has no time. */
  readonly time: number;
  readonly draft: DraftId | null;
  /** Extension names offered (Sec-WebSocket-Extensions), parameters dropped. */
  readonly extensions: readonly string[];
  /** Subprotocols offered (capture) or agreed (gateway log). */
  readonly protocols: readonly string[];
  readonly userAgent: string;
  readonly origin: string;
  /** Why wscompat refuses it (capture: what a server accepting every draft answers; log: the gateway's reject). */
  readonly refusal: { readonly status: number; readonly reason: string } | undefined;
}

/**
 * The request of a client stream: its head, plus hixie-76's 8-byte key3 body; the frames that follow on an
 * open connection are not part of it. Undefined when the stream does not start with an HTTP request head.
 */
export function requestOf(stream: Buffer): Buffer | undefined {
  const parsed = parseRequestHead(stream);
  if (parsed.kind !== 'head') return undefined;
  const body = headerValue(parsed.head.headers, 'sec-websocket-key1') === undefined ? 0 : 8;
  return stream.subarray(0, parsed.consumed + body);
}

/** A WebSocket handshake from the client's first bytes, or undefined for ordinary HTTP and non-HTTP streams. */
export function handshakeFromRequest(stream: Buffer, time: number): Handshake | undefined {
  const request = requestOf(stream);
  if (!request) return undefined;
  const parsed = parseRequestHead(request);
  if (parsed.kind !== 'head') return undefined;
  const report = reportRequest(request);
  if (report.verdict === 'not-websocket' || report.verdict === 'malformed') return undefined;
  const h = parsed.head.headers;
  const errors = report.problems.filter((p) => p.severity === 'error');
  const refusal =
    report.status !== undefined && report.status !== 101
      ? { status: report.status, reason: report.reason ?? errors[0]?.message ?? 'refused' }
      : errors.length > 0
        ? { status: report.status ?? 400, reason: `${errors[0]!.code}: ${errors[0]!.message}` }
        : undefined;
  return {
    time,
    draft: report.draft,
    extensions: headerList(h, 'sec-websocket-extensions').map((e) => e.split(';')[0]!.trim()),
    protocols: [...headerList(h, 'sec-websocket-protocol'), ...headerList(h, 'websocket-protocol')],
    userAgent: headerValue(h, 'user-agent') ?? '',
    origin: requestOrigin(h) ?? '',
    refusal,
  };
}

/** A gateway log line (src/gateway/log.ts): `open` and `reject` records are handshakes; the rest are not. */
export function handshakeFromLog(record: LogRecord): Handshake | undefined {
  if (record.event !== 'open' && record.event !== 'reject') return undefined;
  const time = Date.parse(record.time);
  const base = { time, userAgent: record.userAgent, origin: record.origin, extensions: [] };
  if (record.event === 'open')
    return {
      ...base,
      draft: record.draft,
      protocols: record.protocol ? [record.protocol] : [],
      refusal: undefined,
    };
  const reason = record.detail ? `${record.reason}: ${record.detail}` : record.reason;
  return { ...base, draft: record.draft || null, protocols: [], refusal: { status: record.status, reason } };
}
