// From raw captured request bytes to a verdict: parse, sniff, inspect, and what our server would answer.
import { headerValues } from '../core/headers.js';
import { parseRequestHead } from '../core/http-head.js';
import { ALL_DRAFTS, type DraftId } from '../core/types.js';
import { getDraft } from '../drafts.js';
import { describeOffers } from '../extensions/negotiate.js';
import { inspect, type Problem } from './inspect.js';
import { negotiate } from './negotiate.js';

export type Verdict = 'valid' | 'invalid' | 'rejected' | 'not-websocket' | 'malformed';

/** The stable shape `wscompat detect --json` prints. */
export interface RequestReport {
  readonly draft: DraftId | null;
  readonly verdict: Verdict;
  readonly evidence: readonly string[];
  readonly problems: readonly Problem[];
  /** What a wscompat server accepting every draft answers: 101, or the rejection's status. */
  readonly status?: number;
  /** The rejection's reason when `status` is not 101. */
  readonly reason?: string;
  /**
   * `Sec-WebSocket-Extensions` elements the client offered, in order, and the one a wscompat server with
   * `perMessageDeflate: true` accepts ('' for none). Present when the request offers any extension.
   */
  readonly extensions?: { readonly offered: readonly string[]; readonly accepted: string };
}

/** Hand-written captures often stop right after the last header; add the missing line ends. */
function terminate(bytes: Buffer): Buffer[] {
  const eol = bytes.includes('\r\n') ? '\r\n' : '\n';
  return [Buffer.concat([bytes, Buffer.from(eol)]), Buffer.concat([bytes, Buffer.from(eol + eol)])];
}

/**
 * Classify one captured request (head plus any body bytes after the blank line). Pure: the same bytes
 * always give the same report. `valid` means recognised, no error found, and our server would answer 101.
 */
export function reportRequest(bytes: Buffer, drafts: readonly DraftId[] = ALL_DRAFTS): RequestReport {
  const lead: Problem[] = [];
  let parsed = parseRequestHead(bytes);
  if (parsed.kind === 'need-more' && bytes.length > 0) {
    for (const candidate of terminate(bytes)) {
      parsed = parseRequestHead(candidate);
      if (parsed.kind !== 'need-more') {
        bytes = candidate;
        break;
      }
    }
    lead.push({
      severity: 'warning',
      code: 'HEAD_UNTERMINATED',
      message: 'the capture ends before the blank line',
    });
  }
  if (parsed.kind !== 'head') {
    const message = parsed.kind === 'error' ? parsed.reason : 'no request head in the input';
    return {
      draft: null,
      verdict: 'malformed',
      evidence: [],
      problems: [...lead, { severity: 'error', code: 'MALFORMED_HEAD', message }],
    };
  }
  const { head } = parsed;
  const inspection = inspect(head, bytes.subarray(parsed.consumed), { drafts });
  const problems = [...lead, ...inspection.problems];
  const s = inspection.sniff;
  if (s.kind === 'not-websocket')
    return { draft: null, verdict: 'not-websocket', evidence: s.evidence, problems };
  if (s.kind === 'reject')
    return {
      draft: s.draft ?? null,
      verdict: 'rejected',
      evidence: s.evidence,
      problems,
      status: s.rejection.status,
      reason: s.rejection.reason,
    };
  const answer = negotiate(head, { drafts, secure: false });
  if (!answer.ok && !problems.some((p) => p.severity === 'error'))
    problems.push({ severity: 'error', code: 'REJECTED', message: answer.rejection.reason });
  const offers = headerValues(head.headers, 'Sec-WebSocket-Extensions');
  const extensions =
    offers.length > 0 && getDraft(s.draft).caps.compression ? { extensions: describeOffers(offers) } : {};
  const base = { draft: s.draft, evidence: s.evidence, problems, ...extensions };
  const verdict: Verdict = problems.some((p) => p.severity === 'error') ? 'invalid' : 'valid';
  return answer.ok
    ? { ...base, verdict, status: 101 }
    : { ...base, verdict, status: answer.rejection.status, reason: answer.rejection.reason };
}
