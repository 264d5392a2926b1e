// permessage-deflate negotiation (RFC 7692 §5, §7.1), both roles, as pure functions of header values.
import type { CompressionPolicy, NegotiatedCompression } from '../core/types.js';
import { type ExtensionElement, formatExtension, type ParamValue } from './header.js';

export const PMD = 'permessage-deflate';

/** RFC 7692 §7.1.2: a window size is a decimal 8..15 without leading zeros. */
const WINDOW_BITS = /^(?:[89]|1[0-5])$/;

/** An offer's or answer's parameters once checked: every one known, none twice, each value well-formed. */
export interface PmdParams {
  readonly serverNoContextTakeover: boolean;
  readonly clientNoContextTakeover: boolean;
  /** undefined: absent. */
  readonly serverMaxWindowBits: number | undefined;
  /** undefined: absent; true: present without a value (a client offer only). */
  readonly clientMaxWindowBits: number | true | undefined;
}

/** RFC 7692 §7.1: the parameters of one element, or why they are unacceptable. */
export function readPmdParams(element: ExtensionElement): PmdParams | string {
  if (element.malformed) return 'malformed extension element';
  const seen = new Set<string>();
  let snct = false;
  let cnct = false;
  let smwb: number | undefined;
  let cmwb: number | true | undefined;
  for (const [name, value] of element.params) {
    if (seen.has(name)) return `duplicate parameter ${name}`;
    seen.add(name);
    const bits = (v: ParamValue): number | undefined =>
      v !== true && WINDOW_BITS.test(v) ? Number(v) : undefined;
    switch (name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) return `${name} takes no value`;
        if (name === 'server_no_context_takeover') snct = true;
        else cnct = true;
        break;
      case 'server_max_window_bits':
        smwb = bits(value);
        if (smwb === undefined) return `invalid server_max_window_bits ${String(value)}`;
        break;
      case 'client_max_window_bits':
        cmwb = value === true ? true : bits(value);
        if (cmwb === undefined) return `invalid client_max_window_bits ${String(value)}`;
        break;
      default:
        return `unknown parameter ${name}`;
    }
  }
  return {
    serverNoContextTakeover: snct,
    clientNoContextTakeover: cnct,
    serverMaxWindowBits: smwb,
    clientMaxWindowBits: cmwb,
  };
}

const full = (bits: number | true | undefined): number => (typeof bits === 'number' ? bits : 15);

/**
 * The server's answer to one permessage-deflate offer under `policy`, or undefined to decline it (the next
 * offer is then tried). Mirrors ws 8: a numeric policy caps the window, `false` refuses offers that ask.
 */
export function acceptPmdOffer(
  element: ExtensionElement,
  policy: CompressionPolicy,
): { readonly header: string; readonly negotiated: NegotiatedCompression } | undefined {
  const offer = readPmdParams(element);
  if (typeof offer === 'string') return undefined;
  if (policy.serverMaxWindowBits === false && offer.serverMaxWindowBits !== undefined) return undefined;
  if (policy.clientMaxWindowBits === false && typeof offer.clientMaxWindowBits === 'number') return undefined;
  const params: [string, ParamValue][] = [];
  const snct = offer.serverNoContextTakeover || policy.serverNoContextTakeover;
  const cnct = offer.clientNoContextTakeover || policy.clientNoContextTakeover;
  if (snct) params.push(['server_no_context_takeover', true]);
  if (cnct) params.push(['client_no_context_takeover', true]);
  // §7.1.2.1: the answer carries the same or a smaller value than asked; a server may also set its own.
  let smwb = offer.serverMaxWindowBits;
  if (typeof policy.serverMaxWindowBits === 'number') smwb = Math.min(smwb ?? 15, policy.serverMaxWindowBits);
  if (smwb !== undefined) params.push(['server_max_window_bits', String(smwb)]);
  // §7.1.2.2: only a client that offered client_max_window_bits may be told a window.
  let cmwb: number | undefined;
  if (offer.clientMaxWindowBits !== undefined) {
    const asked = offer.clientMaxWindowBits;
    if (typeof policy.clientMaxWindowBits === 'number')
      cmwb = Math.min(full(asked), policy.clientMaxWindowBits);
    else if (asked !== true) cmwb = asked;
  }
  if (cmwb !== undefined) params.push(['client_max_window_bits', String(cmwb)]);
  return {
    header: formatExtension(PMD, params),
    negotiated: {
      extension: PMD,
      deflate: { windowBits: full(smwb), noContextTakeover: snct },
      inflate: { windowBits: full(cmwb), noContextTakeover: cnct },
    },
  };
}

/** The client's offer: ws 8 always sends `client_max_window_bits` so a server may shrink our window. */
export function pmdOffer(policy: CompressionPolicy): string {
  const params: [string, ParamValue][] = [];
  if (policy.serverNoContextTakeover) params.push(['server_no_context_takeover', true]);
  if (policy.clientNoContextTakeover) params.push(['client_no_context_takeover', true]);
  if (typeof policy.serverMaxWindowBits === 'number')
    params.push(['server_max_window_bits', String(policy.serverMaxWindowBits)]);
  params.push([
    'client_max_window_bits',
    typeof policy.clientMaxWindowBits === 'number' ? String(policy.clientMaxWindowBits) : true,
  ]);
  return formatExtension(PMD, params);
}

/** RFC 7692 §7.1: check the server's answer against our offer; a string says why the client must fail. */
export function acceptPmdResponse(
  element: ExtensionElement,
  policy: CompressionPolicy,
): NegotiatedCompression | string {
  const answer = readPmdParams(element);
  if (typeof answer === 'string') return `permessage-deflate answer: ${answer}`;
  if (answer.clientMaxWindowBits === true) return 'client_max_window_bits in an answer needs a value';
  const offeredServerBits = typeof policy.serverMaxWindowBits === 'number' ? policy.serverMaxWindowBits : 15;
  if (answer.serverMaxWindowBits !== undefined && answer.serverMaxWindowBits > offeredServerBits)
    return `server_max_window_bits ${answer.serverMaxWindowBits} is larger than offered`;
  const offeredClientBits = typeof policy.clientMaxWindowBits === 'number' ? policy.clientMaxWindowBits : 15;
  if (answer.clientMaxWindowBits !== undefined && answer.clientMaxWindowBits > offeredClientBits)
    return `client_max_window_bits ${answer.clientMaxWindowBits} is larger than offered`;
  if (policy.serverNoContextTakeover && !answer.serverNoContextTakeover)
    return 'server_no_context_takeover was asked for and not granted';
  return {
    extension: PMD,
    deflate: {
      windowBits: answer.clientMaxWindowBits ?? offeredClientBits,
      noContextTakeover: answer.clientNoContextTakeover || policy.clientNoContextTakeover,
    },
    inflate: {
      windowBits: full(answer.serverMaxWindowBits),
      noContextTakeover: answer.serverNoContextTakeover,
    },
  };
}
