// The hixie-75 opening handshake, server and client: fixed 85-byte prefix, no keys, no body (drafts.md §1).
import { EMPTY } from '../core/bytes.js';
import { serializeHead } from '../core/http-head.js';
import type {
  AcceptResult,
  ClientHandshakeOptions,
  ClientRequest,
  ClientVerdict,
  RequestHead,
  ResponseHead,
  ServerHandshakeOptions,
} from '../core/types.js';
import {
  checkEcho,
  extraHeaders,
  hixieClientTarget,
  readHixieRequest,
  serverLocation,
} from '../family/hixie/handshake-common.js';

/** hixie-75 §4.1: the client compares these first 85 bytes of the response byte for byte. */
export const HIXIE75_RESPONSE_PREFIX: Buffer = Buffer.from(
  'HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n',
  'latin1',
);

/** hixie-75 §4.2: echo Origin and Location, and the subprotocol verbatim if one was sent. */
export function acceptHixie75(head: RequestHead, options: ServerHandshakeOptions): AcceptResult {
  const req = readHixieRequest(head, 'WebSocket-Protocol');
  if ('ok' in req) return req;
  // The prefix is written as one fixed block so its bytes cannot drift from what clients compare.
  const rest = serializeHead('', [
    // serializeHead drops empty values: a missing Origin is omitted, never sent empty.
    ['WebSocket-Origin', req.origin ?? ''],
    ['WebSocket-Location', serverLocation(options.secure, req.host, head.target)],
    ['WebSocket-Protocol', req.protocol ?? ''],
  ]).subarray(2);
  return {
    ok: true,
    response: Buffer.concat([HIXIE75_RESPONSE_PREFIX, rest]),
    protocol: req.protocol ?? '',
    extensions: '',
    bodyLength: 0,
    answerBody: () => EMPTY,
  };
}

/** hixie-75 §4.1: the fixed first lines, Host, Origin, then WebSocket-Protocol if one is offered. */
export function buildHixie75Request(options: ClientHandshakeOptions): ClientRequest {
  const t = hixieClientTarget(options);
  const bytes = serializeHead(`GET ${t.target} HTTP/1.1`, [
    ['Upgrade', 'WebSocket'],
    ['Connection', 'Upgrade'],
    ['Host', t.host],
    ['Origin', options.origin ?? ''],
    ['WebSocket-Protocol', t.protocol ?? ''],
    ...extraHeaders(options),
  ]);
  const verify = (head: ResponseHead, _body: Buffer, rawHead: Buffer): ClientVerdict => {
    const prefix = rawHead.subarray(0, HIXIE75_RESPONSE_PREFIX.length);
    if (!prefix.equals(HIXIE75_RESPONSE_PREFIX))
      return { ok: false, reason: 'response does not start with the hixie-75 handshake lines' };
    const problem =
      checkEcho(head.headers, 'WebSocket-Origin', options.origin, false) ??
      checkEcho(head.headers, 'WebSocket-Location', t.location, true) ??
      checkEcho(head.headers, 'WebSocket-Protocol', t.protocol, true);
    if (problem !== undefined) return { ok: false, reason: problem };
    return { ok: true, protocol: t.protocol ?? '', extensions: '' };
  };
  return { bytes, responseBodyLength: 0, verify };
}
