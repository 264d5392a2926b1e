// Every problem in a captured handshake request, not just the first (drafts.md §2-§5, §8; RFC 6455 §4.1, §4.2.1).
import { isLegacyClientKey, isValidClientKey } from '../core/crypto.js';
import { headerList, headerValues } from '../core/headers.js';
import { ALL_DRAFTS, type DraftId, type RequestHead } from '../core/types.js';
import { checkHixieKey, type HixieKeyDefect } from '../family/hixie/key-number.js';
import { type SniffOptions, type SniffResult, sniff } from './sniff.js';

export type ProblemCode =
  /** Set by callers that parse raw bytes (the detect command): the head is not HTTP. */
  | 'MALFORMED_HEAD'
  /** Set by callers that parse raw bytes: the capture stops before the blank line. */
  | 'HEAD_UNTERMINATED'
  | 'NOT_WEBSOCKET'
  | 'METHOD_NOT_GET'
  | 'HTTP_VERSION'
  | 'CONNECTION_NO_UPGRADE'
  | 'DUPLICATE_UPGRADE'
  | 'HOST_MISSING'
  | 'DUPLICATE_HOST'
  | 'DUPLICATE_VERSION'
  | 'DUPLICATE_KEY'
  | 'VERSION_MALFORMED'
  | 'VERSION_UNSUPPORTED'
  | 'KEY_WITHOUT_VERSION'
  | 'DRAFT_HEADER_UNSUPPORTED'
  | 'HIXIE_KEY_MISSING'
  | 'DUPLICATE_HIXIE_KEY'
  | 'HIXIE_KEY_NO_DIGITS'
  | 'HIXIE_KEY_NO_SPACES'
  | 'HIXIE_KEY_NOT_MULTIPLE'
  | 'HIXIE_KEY_TOO_LARGE'
  | 'KEY3_MISSING'
  | 'KEY3_SHORT'
  | 'BODY_AFTER_KEY3'
  | 'KEY_MISSING'
  | 'KEY_INVALID'
  | 'BODY_NOT_ALLOWED'
  | 'TRAILING_LINE_ENDS'
  | 'ORIGIN_MISSING'
  | 'LEGACY_ORIGIN'
  | 'PROTOCOL_INVALID'
  | 'MIXED_MARKERS'
  | 'DRAFT_DISABLED'
  | 'REJECTED';

export interface Problem {
  readonly severity: 'error' | 'warning';
  /** Stable name: tests and scripts match on this, never on the message. */
  readonly code: ProblemCode;
  readonly message: string;
}

export interface Inspection {
  readonly sniff: SniffResult;
  readonly problems: readonly Problem[];
}

type Add = (severity: Problem['severity'], code: ProblemCode, message: string) => void;

const HYBI: readonly DraftId[] = ['hybi-07', 'hybi-10', 'rfc6455'];
const VERSION_DRAFT: Readonly<Record<string, DraftId>> = { '13': 'rfc6455', '8': 'hybi-10', '7': 'hybi-07' };
/** RFC 6455 §4.1 item 10: subprotocol elements are tokens (RFC 2616 §2.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkRequestLine(head: RequestHead, add: Add): void {
  if (head.method !== 'GET')
    add('error', 'METHOD_NOT_GET', `method is ${head.method}; RFC 6455 §4.2.1 requires GET`);
  if (!/^(1\.[1-9]|[2-9]\.\d)$/.test(head.httpVersion))
    add('error', 'HTTP_VERSION', `HTTP/${head.httpVersion}; RFC 6455 §4.2.1 requires HTTP/1.1 or later`);
  const connection = headerList(head.headers, 'Connection');
  if (!connection.some((t) => t.toLowerCase() === 'upgrade'))
    add('error', 'CONNECTION_NO_UPGRADE', 'Connection lacks the Upgrade token (RFC 6455 §4.2.1 item 4)');
  if (headerValues(head.headers, 'Upgrade').length > 1)
    add('warning', 'DUPLICATE_UPGRADE', 'more than one Upgrade header (em-websocket refuses this)');
  const hosts = headerValues(head.headers, 'Host');
  if (hosts.length === 0)
    add('error', 'HOST_MISSING', 'no Host header (RFC 6455 §4.2.1 item 2, RFC 9112 §3.2)');
  if (hosts.length > 1) add('error', 'DUPLICATE_HOST', 'more than one Host header (RFC 9112 §3.2: 400)');
}

/** The draft the request is written for, even when sniff refused it (so its own rules still get checked). */
function intendedDraft(head: RequestHead, result: SniffResult): DraftId | undefined {
  if (result.kind !== 'not-websocket' && result.draft !== undefined) return result.draft;
  const versions = headerValues(head.headers, 'Sec-WebSocket-Version');
  if (versions.length === 1) return VERSION_DRAFT[versions[0]!.trim()];
  return undefined;
}

function checkVersionMarkers(head: RequestHead, add: Add): void {
  const h = head.headers;
  const versions = headerValues(h, 'Sec-WebSocket-Version');
  const keys = headerValues(h, 'Sec-WebSocket-Key');
  if (versions.length > 1)
    add('error', 'DUPLICATE_VERSION', `${versions.length} Sec-WebSocket-Version headers (drafts.md §8)`);
  if (keys.length > 1)
    add('error', 'DUPLICATE_KEY', `${keys.length} Sec-WebSocket-Key headers (drafts.md §8)`);
  for (const raw of versions) {
    const v = raw.trim();
    if (!/^(0|[1-9][0-9]*)$/.test(v))
      add(
        'error',
        'VERSION_MALFORMED',
        `Sec-WebSocket-Version '${v}' is not one decimal number (RFC 6455 §4.1)`,
      );
    else if (VERSION_DRAFT[v] === undefined)
      add(
        'error',
        'VERSION_UNSUPPORTED',
        /^[4-6]$/.test(v)
          ? `Sec-WebSocket-Version ${v} is hybi-04..06, which no browser shipped (drafts.md §4)`
          : `Sec-WebSocket-Version ${v} is not 13, 8 or 7`,
      );
  }
  if (versions.length === 0 && keys.length > 0)
    add(
      'error',
      'KEY_WITHOUT_VERSION',
      'Sec-WebSocket-Key without Sec-WebSocket-Version (drafts.md §8 step 3)',
    );
  const hixieKeys =
    headerValues(h, 'Sec-WebSocket-Key1').length + headerValues(h, 'Sec-WebSocket-Key2').length;
  if (versions.length > 0 && hixieKeys > 0)
    add('warning', 'MIXED_MARKERS', 'both Sec-WebSocket-Version and hixie-76 Key1/Key2: the version wins');
  for (const d of headerValues(h, 'Sec-WebSocket-Draft')) {
    if (d.trim() !== '0')
      add(
        'error',
        'DRAFT_HEADER_UNSUPPORTED',
        `Sec-WebSocket-Draft '${d.trim()}' (hybi-01..03, drafts.md §3)`,
      );
  }
}

function checkHybi(head: RequestHead, draft: DraftId, add: Add): void {
  const h = head.headers;
  const keys = headerValues(h, 'Sec-WebSocket-Key');
  if (keys.length === 0) add('error', 'KEY_MISSING', 'no Sec-WebSocket-Key (RFC 6455 §4.2.1 item 5)');
  for (const key of keys) {
    // npm ws 0.4-0.8 sent version 8 with base64 of 15 bytes; the server accepts any base64 key on 7 and 8.
    const legacy = draft !== 'rfc6455' && isLegacyClientKey(key.trim());
    if (!isValidClientKey(key.trim())) {
      const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(key.trim())
        ? Buffer.from(key.trim(), 'base64').length
        : -1;
      const what =
        decoded < 0
          ? 'is not base64'
          : decoded === 16
            ? 'has non-zero padding bits'
            : `decodes to ${decoded} bytes`;
      add(
        legacy ? 'warning' : 'error',
        'KEY_INVALID',
        `Sec-WebSocket-Key ${what}; it must be base64 of 16 bytes (RFC 6455 §4.2.1 item 5)`,
      );
    }
  }
  for (const p of headerList(h, 'Sec-WebSocket-Protocol')) {
    if (!TOKEN.test(p))
      add('error', 'PROTOCOL_INVALID', `subprotocol '${p}' is not a token (RFC 6455 §4.1 item 10)`);
  }
  const protocols = headerList(h, 'Sec-WebSocket-Protocol');
  if (new Set(protocols).size !== protocols.length)
    add('error', 'PROTOCOL_INVALID', 'subprotocols repeat; they MUST be unique (RFC 6455 §4.1 item 10)');
}

function checkOrigin(head: RequestHead, draft: DraftId, add: Add): void {
  const origin = headerValues(head.headers, 'Origin').length > 0;
  const secOrigin = headerValues(head.headers, 'Sec-WebSocket-Origin').length > 0;
  // Browsers always send one; non-browser clients may not, and demanding it broke them (drafts.md §2).
  if (draft === 'rfc6455') {
    if (!origin && secOrigin)
      add('warning', 'LEGACY_ORIGIN', 'Sec-WebSocket-Origin on version 13: RFC 6455 browsers send Origin');
    else if (!origin)
      add('warning', 'ORIGIN_MISSING', 'no Origin: a browser would send one (RFC 6455 §4.1 item 8)');
  } else if (draft === 'hybi-07' || draft === 'hybi-10') {
    if (!origin && !secOrigin)
      add(
        'warning',
        'ORIGIN_MISSING',
        'no Sec-WebSocket-Origin or Origin: a browser would send one (drafts.md §5)',
      );
  } else if (!origin)
    add('warning', 'ORIGIN_MISSING', `no Origin: ${draft} requires one from browsers (drafts.md §1)`);
}

const DEFECT: Readonly<Record<HixieKeyDefect, readonly [ProblemCode, string]>> = {
  'no-digits': ['HIXIE_KEY_NO_DIGITS', 'has no digits'],
  'no-spaces': ['HIXIE_KEY_NO_SPACES', 'has no spaces (hixie-76 §5.2: a cross-protocol attack symptom)'],
  'not-multiple': [
    'HIXIE_KEY_NOT_MULTIPLE',
    'key-number is not a multiple of its space count (hixie-76 §5.2)',
  ],
  'too-large': ['HIXIE_KEY_TOO_LARGE', 'key-number / spaces exceeds 2^32-1 (drafts.md §2)'],
};

function checkHixie76(head: RequestHead, body: Uint8Array, add: Add): void {
  for (const name of ['Sec-WebSocket-Key1', 'Sec-WebSocket-Key2']) {
    const values = headerValues(head.headers, name);
    if (values.length === 0) add('error', 'HIXIE_KEY_MISSING', `no ${name}: hixie-76 needs both keys (§5.2)`);
    if (values.length > 1) add('error', 'DUPLICATE_HIXIE_KEY', `${values.length} ${name} headers`);
    for (const value of values) {
      for (const defect of checkHixieKey(value).defects) {
        const [code, text] = DEFECT[defect];
        add('error', code, `${name} ${text}`);
      }
    }
  }
  // key3: exactly 8 raw bytes after the blank line, no Content-Length (drafts.md §2).
  if (body.length === 0) add('error', 'KEY3_MISSING', 'no key3: hixie-76 sends 8 bytes after the head');
  else if (body.length < 8) add('error', 'KEY3_SHORT', `key3 is ${body.length} bytes, not 8`);
  else if (body.length > 8)
    add('warning', 'BODY_AFTER_KEY3', `${body.length - 8} bytes after key3 (a server reads them as frames)`);
}

function checkNoBody(body: Uint8Array, draft: DraftId, add: Add): void {
  if (body.length === 0) return;
  // A hand-written capture often ends in an extra newline; that is not a body a client sent.
  if (body.every((b) => b === 0x0d || b === 0x0a)) {
    add('warning', 'TRAILING_LINE_ENDS', `${body.length} line-end bytes after the head (ignored)`);
    return;
  }
  const why =
    draft === 'hixie-75'
      ? 'hixie-75 has no request body (em-websocket: "Extra bytes after header")'
      : 'the client must wait for the 101 before sending data (RFC 6455 §4.1)';
  add('error', 'BODY_NOT_ALLOWED', `${body.length} bytes after the head: ${why}`);
}

/**
 * Sniff `head` and list every problem with it and its `body` (the bytes after the blank line), each with
 * a stable code. A request sniff refuses always carries at least one error.
 */
export function inspect(head: RequestHead, body: Uint8Array, options?: SniffOptions): Inspection {
  const result = sniff(head, options);
  const problems: Problem[] = [];
  const add: Add = (severity, code, message) => {
    problems.push({ severity, code, message });
  };
  if (result.kind === 'not-websocket') {
    const hasWsHeaders = head.headers.some(([n]) => /^sec-websocket-/i.test(n));
    add(
      'error',
      'NOT_WEBSOCKET',
      hasWsHeaders ? 'WebSocket headers but no Upgrade: websocket' : 'no Upgrade: websocket: plain HTTP',
    );
    return { sniff: result, problems };
  }
  checkRequestLine(head, add);
  checkVersionMarkers(head, add);
  const draft = intendedDraft(head, result);
  if (draft !== undefined) {
    if (HYBI.includes(draft)) checkHybi(head, draft, add);
    if (draft === 'hixie-76') checkHixie76(head, body, add);
    else checkNoBody(body, draft, add);
    checkOrigin(head, draft, add);
  } else if (
    headerValues(head.headers, 'Sec-WebSocket-Key1').length +
      headerValues(head.headers, 'Sec-WebSocket-Key2').length >
    0
  ) {
    checkHixie76(head, body, add);
  }
  const enabled = options?.drafts ?? ALL_DRAFTS;
  if (result.kind === 'reject' && result.draft !== undefined && !enabled.includes(result.draft))
    add('error', 'DRAFT_DISABLED', `${result.draft} is not among the accepted drafts`);
  if (result.kind === 'reject' && problems.every((p) => p.severity !== 'error'))
    add('error', 'REJECTED', result.rejection.reason);
  return { sniff: result, problems };
}
