// The hixie-76 opening handshake: Key1/Key2 checks, the head written at once, the MD5 answer when key3
// arrives (hixie-76 §4.1, §5.2; drafts.md §2 "The 8-byte body through proxies").

import { headerValue, singleHeader } from '../core/headers.js';
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
  badRequest,
  checkEcho,
  extraHeaders,
  hixieClientTarget,
  readHixieRequest,
  serverLocation,
} from '../family/hixie/handshake-common.js';
import { challengeAnswer, generateKey, readKey } from './keys.js';

/** §5.2: key3, the 8 raw bytes after the request head (no Content-Length announces them). */
export const KEY3_LENGTH = 8;
/** §4.1 step 45: the 16-byte MD5 answer after the response head. */
export const ANSWER_LENGTH = 16;

function readKeyHeader(head: RequestHead, name: string): number | string {
  const key = singleHeader(head.headers, name);
  if (key === 'duplicate') return `duplicate ${name} header`;
  if (key.value === undefined) return `missing ${name} header`;
  const reading = readKey(key.value);
  return reading.ok ? reading.part : `invalid ${name}: ${reading.reason}`;
}

const HEAD_START =
  'HTTP/1.1 101 WebSocket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n';

/**
 * The §5.2 101 head from a fixed start (no header list per handshake); an empty value leaves its line out.
 * Values come from the request as Node's parser accepted it, so they hold no CR or LF.
 */
function hixie76Head(origin: string, location: string, protocol: string): Buffer {
  let head = HEAD_START;
  if (origin !== '') head += `Sec-WebSocket-Origin: ${origin}\r\n`;
  head += `Sec-WebSocket-Location: ${location}\r\n`;
  if (protocol !== '') head += `Sec-WebSocket-Protocol: ${protocol}\r\n`;
  return Buffer.from(`${head}\r\n`, 'latin1');
}

/**
 * §5.2: validate both keys and answer with the head at once; the MD5 answer needs key3, which a proxy
 * may hold back until it sees the 101 (drafts.md §2), so waiting for it first would deadlock.
 */
export function acceptHixie76(head: RequestHead, options: ServerHandshakeOptions): AcceptResult {
  const req = readHixieRequest(head, 'Sec-WebSocket-Protocol');
  if ('ok' in req) return req;
  const part1 = readKeyHeader(head, 'Sec-WebSocket-Key1');
  if (typeof part1 === 'string') return badRequest(part1);
  const part2 = readKeyHeader(head, 'Sec-WebSocket-Key2');
  if (typeof part2 === 'string') return badRequest(part2);
  // iOS 5 fails on a missing echo ("protocol mismatch", ratchetphp/Ratchet #79): the protocol is echoed verbatim.
  const response = hixie76Head(
    req.origin ?? '',
    serverLocation(options.secure, req.host, head.target),
    req.protocol ?? '',
  );
  return {
    ok: true,
    response,
    protocol: req.protocol ?? '',
    extensions: '',
    bodyLength: KEY3_LENGTH,
    // Don't trim key3: it may hold whitespace bytes (fiorix/cyclone #111).
    answerBody: (key3) => challengeAnswer(part1, part2, key3.subarray(0, KEY3_LENGTH)),
  };
}

/** §4.1 steps 29-45 as pywebsocket's test client checks them; the reason phrase is not read. */
function verifyHixie76(
  head: ResponseHead,
  body: Buffer,
  expected: {
    readonly origin: string | undefined;
    readonly location: string;
    readonly protocol: string | undefined;
    readonly answer: Buffer;
  },
): ClientVerdict {
  if (head.status !== 101) return { ok: false, reason: `server answered ${head.status}, not 101` };
  // §4.1: Upgrade must be exactly `WebSocket`, case-sensitive.
  if (headerValue(head.headers, 'Upgrade') !== 'WebSocket')
    return { ok: false, reason: 'Upgrade header is not exactly WebSocket' };
  if (headerValue(head.headers, 'Connection')?.toLowerCase() !== 'upgrade')
    return { ok: false, reason: 'Connection header is not Upgrade' };
  const problem =
    checkEcho(head.headers, 'Sec-WebSocket-Origin', expected.origin, false) ??
    checkEcho(head.headers, 'Sec-WebSocket-Location', expected.location, true) ??
    checkEcho(head.headers, 'Sec-WebSocket-Protocol', expected.protocol, true);
  if (problem !== undefined) return { ok: false, reason: problem };
  if (body.length !== ANSWER_LENGTH || !body.equals(expected.answer))
    return { ok: false, reason: 'challenge answer does not match' };
  return { ok: true, protocol: expected.protocol ?? '', extensions: '' };
}

/** §4.1 steps 16-26: two generated keys, key3 from the rng, head and key3 in one buffer. */
export function buildHixie76Request(options: ClientHandshakeOptions): ClientRequest {
  const t = hixieClientTarget(options);
  const key1 = generateKey(options.rng);
  const key2 = generateKey(options.rng);
  const key3 = Buffer.from(options.rng(KEY3_LENGTH));
  const head = serializeHead(`GET ${t.target} HTTP/1.1`, [
    ['Upgrade', 'WebSocket'],
    ['Connection', 'Upgrade'],
    ['Host', t.host],
    ['Origin', options.origin ?? ''],
    ['Sec-WebSocket-Protocol', t.protocol ?? ''],
    ['Sec-WebSocket-Key1', key1.key],
    ['Sec-WebSocket-Key2', key2.key],
    ...extraHeaders(options),
  ]);
  const expected = {
    origin: options.origin,
    location: t.location,
    protocol: t.protocol,
    answer: challengeAnswer(key1.part, key2.part, key3),
  };
  return {
    // Browsers wrote head and key3 together; a split write broke servers (drafts.md §2).
    bytes: Buffer.concat([head, key3]),
    responseBodyLength: ANSWER_LENGTH,
    verify: (responseHead, body) => verifyHixie76(responseHead, body, expected),
  };
}
