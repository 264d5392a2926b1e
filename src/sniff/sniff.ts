// The version sniffer: request head -> draft | rejection | plain HTTP (drafts.md §8; RFC 6455 §4.2.1, §4.4).

import { headerList, headerValues } from '../core/headers.js';
import {
  ALL_DRAFTS,
  type DraftId,
  type HeaderLine,
  type Rejection,
  type RequestHead,
} from '../core/types.js';

export type SniffResult =
  | { readonly kind: 'websocket'; readonly draft: DraftId; readonly evidence: string[] }
  | {
      readonly kind: 'reject';
      readonly rejection: Rejection;
      /** The draft the request speaks when it was recognised but refused; undefined when it is none of ours. */
      readonly draft: DraftId | undefined;
      readonly evidence: string[];
    }
  /** Plain HTTP (no `Upgrade: websocket`): the caller serves it as an ordinary request. */
  | { readonly kind: 'not-websocket'; readonly evidence: string[] };

export interface SniffOptions {
  /** Drafts the caller accepts; default all five. A recognised draft outside this list is rejected. */
  readonly drafts?: readonly DraftId[];
}

/** Wire versions of the hybi drafts (RFC 6455 §11.6; drafts.md §0: drafts 08..12 all send 8). */
const WIRE_VERSIONS: ReadonlyArray<readonly [version: string, draft: DraftId]> = [
  ['13', 'rfc6455'],
  ['8', 'hybi-10'],
  ['7', 'hybi-07'],
];

/**
 * The `Sec-WebSocket-Version` list a rejection advertises, newest first ("13, 8, 7"); '' when no hybi
 * draft is enabled (callers then omit the header: an empty value is never sent).
 */
export function versionList(drafts: readonly DraftId[]): string {
  return WIRE_VERSIONS.filter(([, d]) => drafts.includes(d))
    .map(([v]) => v)
    .join(', ');
}

/** Where the evidence came from: the header as received, name and value, shortened for display. */
function show(name: string, value: string): string {
  const v = value.length > 60 ? `${value.slice(0, 60)}...` : value;
  return `${name}: ${v}`;
}

function plain400(reason: string): Rejection {
  return { ok: false, status: 400, reason, headers: [] };
}

/** RFC 6455 §4.4: every version we speak, so the client can retry with one of them. */
function versionHeaders(list: string): HeaderLine[] {
  return list === '' ? [] : [['Sec-WebSocket-Version', list]];
}

/** A numeric version we do not speak: 426 carries Upgrade (RFC 9110 §15.5.22) and the list (RFC 6455 §4.4). */
function upgradeRequired(reason: string, list: string): Rejection {
  // Without any hybi draft there is nothing to upgrade to: a plain 400 avoids an empty version header.
  if (list === '') return plain400(reason);
  return {
    ok: false,
    status: 426,
    reason,
    headers: [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ...versionHeaders(list)],
  };
}

function reject(rejection: Rejection, draft: DraftId | undefined, evidence: string[]): SniffResult {
  return { kind: 'reject', rejection, draft, evidence };
}

/** RFC 6455 §4.2.1 item 1: "An HTTP/1.1 or higher GET request". */
function isHttp11OrLater(version: string): boolean {
  const m = /^(\d+)\.(\d+)$/.exec(version);
  if (!m) return false;
  const major = Number(m[1]);
  return major > 1 || (major === 1 && Number(m[2]) >= 1);
}

/** Step 1 of drafts.md §8: is this an upgrade to WebSocket at all, and a well-formed one? */
function checkUpgrade(head: RequestHead): SniffResult | undefined {
  const upgrades = headerList(head.headers, 'Upgrade');
  // RFC 6455 §4.2.1 item 3: Upgrade contains "websocket", ASCII case-insensitive (hixie sends "WebSocket").
  if (!upgrades.some((t) => t.toLowerCase() === 'websocket')) {
    const seen = headerValues(head.headers, 'Upgrade');
    return {
      kind: 'not-websocket',
      evidence: seen.length === 0 ? ['no Upgrade header'] : seen.map((v) => show('Upgrade', v)),
    };
  }
  const evidence = [show('Upgrade', headerValues(head.headers, 'Upgrade').join(', '))];
  // RFC 6455 §4.2.1 item 1: the method is GET (methods are case-sensitive, RFC 9110 §9.1).
  if (head.method !== 'GET')
    return reject(plain400('WebSocket upgrade must use GET'), undefined, [
      ...evidence,
      `method ${head.method}`,
    ]);
  if (!isHttp11OrLater(head.httpVersion))
    return reject(plain400('WebSocket upgrade needs HTTP/1.1 or later'), undefined, [
      ...evidence,
      `HTTP/${head.httpVersion}`,
    ]);
  // RFC 6455 §4.2.1 item 4: Connection includes the token "Upgrade", ASCII case-insensitive.
  const connection = headerList(head.headers, 'Connection');
  if (!connection.some((t) => t.toLowerCase() === 'upgrade'))
    return reject(plain400('Connection header lacks the Upgrade token'), undefined, [
      ...evidence,
      connection.length === 0 ? 'no Connection header' : show('Connection', connection.join(', ')),
    ]);
  return undefined;
}

/** Step 2: a `Sec-WebSocket-Version` header decides among the hybi drafts (RFC 6455 §4.2.1 item 6). */
function byVersion(raw: string, drafts: readonly DraftId[], list: string): SniffResult {
  const value = raw.trim();
  const evidence = [show('Sec-WebSocket-Version', value)];
  // RFC 6455 §4.1 grammar: a bare decimal without leading zeros; lists like "13, 8" are malformed (pywebsocket).
  if (!/^(0|[1-9][0-9]*)$/.test(value))
    return reject(
      { ok: false, status: 400, reason: 'malformed Sec-WebSocket-Version', headers: versionHeaders(list) },
      undefined,
      evidence,
    );
  const known = WIRE_VERSIONS.find(([v]) => v === value);
  if (known === undefined) {
    const era = /^[4-6]$/.test(value) ? 'hybi-04..06 is not supported' : 'unsupported WebSocket version';
    return reject(upgradeRequired(era, list), undefined, [`${evidence[0]} (${era})`]);
  }
  const draft = known[1];
  if (!drafts.includes(draft))
    return reject(upgradeRequired(`${draft} is disabled on this server`, list), draft, evidence);
  return { kind: 'websocket', draft, evidence };
}

/** Steps 4-6: the hixie family, told apart by Sec-WebSocket-Draft and Key1/Key2 (drafts.md §2, §3). */
function byHixieMarkers(head: RequestHead, drafts: readonly DraftId[]): SniffResult {
  const h = head.headers;
  const draftHeader = headerValues(h, 'Sec-WebSocket-Draft');
  if (draftHeader.length > 1)
    return reject(plain400('duplicate Sec-WebSocket-Draft header'), undefined, [
      `${draftHeader.length} Sec-WebSocket-Draft headers`,
    ]);
  const evidence: string[] = [];
  if (draftHeader[0] !== undefined) {
    const d = draftHeader[0].trim();
    evidence.push(show('Sec-WebSocket-Draft', d));
    // hybi-01..03: -76 handshake plus this header and a binary framing that never shipped (drafts.md §3).
    if (/^[1-3]$/.test(d)) return reject(plain400('hybi-01..03 is not supported'), undefined, evidence);
    // pywebsocket's hybi-00 handler accepts only 0 here; anything else is no draft we know.
    if (d !== '0') return reject(plain400('unknown Sec-WebSocket-Draft'), undefined, evidence);
  }
  const key1 = headerValues(h, 'Sec-WebSocket-Key1');
  const key2 = headerValues(h, 'Sec-WebSocket-Key2');
  if (key1.length > 0 || key2.length > 0) {
    evidence.push(
      ...key1.map(() => 'Sec-WebSocket-Key1 present'),
      ...key2.map(() => 'Sec-WebSocket-Key2 present'),
    );
    // hixie-76 §5.2 needs exactly one of each key to compute the challenge.
    if (key1.length !== 1 || key2.length !== 1)
      return reject(
        plain400(
          key1.length > 1 || key2.length > 1
            ? 'duplicate Sec-WebSocket-Key1/Key2 header'
            : 'hixie-76 needs both Sec-WebSocket-Key1 and Sec-WebSocket-Key2',
        ),
        'hixie-76',
        evidence,
      );
    if (!drafts.includes('hixie-76')) return reject(plain400('hixie-76 is disabled'), 'hixie-76', evidence);
    return { kind: 'websocket', draft: 'hixie-76', evidence };
  }
  evidence.push('no Sec-WebSocket-Version, Sec-WebSocket-Key, Key1 or Key2 header');
  // hixie requests cannot negotiate a version, so a disabled hixie draft gets a plain 400 (drafts.md §6).
  if (!drafts.includes('hixie-75')) return reject(plain400('hixie-75 is disabled'), 'hixie-75', evidence);
  return { kind: 'websocket', draft: 'hixie-75', evidence };
}

/**
 * Which draft a request head speaks, or why it is refused, or that it is plain HTTP (drafts.md §8).
 * Pure and total: the same head always gives the same answer and no input makes it throw.
 */
export function sniff(head: RequestHead, options?: SniffOptions): SniffResult {
  const drafts = options?.drafts ?? ALL_DRAFTS;
  const list = versionList(drafts);
  const upgrade = checkUpgrade(head);
  if (upgrade !== undefined) return upgrade;
  const h = head.headers;
  const versions = headerValues(h, 'Sec-WebSocket-Version');
  const keys = headerValues(h, 'Sec-WebSocket-Key');
  // pywebsocket and python websockets refuse these duplicates (drafts.md §8 pitfalls): no way to pick one.
  if (versions.length > 1)
    return reject(
      {
        ok: false,
        status: 400,
        reason: 'duplicate Sec-WebSocket-Version header',
        headers: versionHeaders(list),
      },
      undefined,
      versions.map((v) => show('Sec-WebSocket-Version', v)),
    );
  if (keys.length > 1)
    return reject(plain400('duplicate Sec-WebSocket-Key header'), undefined, [
      `${keys.length} Sec-WebSocket-Key headers`,
    ]);
  if (versions[0] !== undefined) return byVersion(versions[0], drafts, list);
  // drafts.md §8 step 3: a key with no version is hybi gone wrong (websocket-driver >= 0.7.1 does the same).
  if (keys.length === 1)
    return reject(
      {
        ok: false,
        status: 400,
        reason: 'Sec-WebSocket-Key without Sec-WebSocket-Version',
        headers: versionHeaders(list),
      },
      undefined,
      ['Sec-WebSocket-Key present', 'no Sec-WebSocket-Version header'],
    );
  return byHixieMarkers(head, drafts);
}
