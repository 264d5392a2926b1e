// The legacy per-frame extension (draft-tyoshino-hybi-websocket-perframe-deflate), offered by WebKit as
// `x-webkit-deflate-frame` (Chrome 16-31, Safari 6-7, iOS 6-7) and by others as `deflate-frame`. Each side's
// parameters ask the *other* side: `max_window_bits=N` to compress with at most 2^N, `no_context_takeover`
// to reset its compressor after every frame. Same DEFLATE payload rules as RFC 7692 (tail 00 00 FF FF off).
import type { CompressionPolicy, NegotiatedCompression } from '../core/types.js';
import { type ExtensionElement, formatExtension, type ParamValue } from './header.js';

export const DEFLATE_FRAME_NAMES = ['x-webkit-deflate-frame', 'deflate-frame'] as const;
type DeflateFrameName = (typeof DEFLATE_FRAME_NAMES)[number];

export function isDeflateFrame(name: string): name is DeflateFrameName {
  return (DEFLATE_FRAME_NAMES as readonly string[]).includes(name);
}

const WINDOW_BITS = /^(?:[89]|1[0-5])$/;

interface FrameParams {
  readonly maxWindowBits: number | undefined;
  readonly noContextTakeover: boolean;
}

/** The element's parameters, or why they are unacceptable (unknown, duplicate, malformed). */
function readParams(element: ExtensionElement): FrameParams | string {
  if (element.malformed) return 'malformed extension element';
  let maxWindowBits: number | undefined;
  let noContextTakeover = false;
  const seen = new Set<string>();
  for (const [name, value] of element.params) {
    if (seen.has(name)) return `duplicate parameter ${name}`;
    seen.add(name);
    if (name === 'max_window_bits') {
      if (value === true || !WINDOW_BITS.test(value)) return `invalid max_window_bits ${String(value)}`;
      maxWindowBits = Number(value);
    } else if (name === 'no_context_takeover') {
      if (value !== true) return 'no_context_takeover takes no value';
      noContextTakeover = true;
    } else return `unknown parameter ${name}`;
  }
  return { maxWindowBits, noContextTakeover };
}

/** The server's answer to one deflate-frame offer (echoing the name the client used), or undefined. */
export function acceptDeflateFrameOffer(
  element: ExtensionElement,
  policy: CompressionPolicy,
): { readonly header: string; readonly negotiated: NegotiatedCompression } | undefined {
  if (!isDeflateFrame(element.name)) return undefined;
  const offer = readParams(element);
  if (typeof offer === 'string') return undefined;
  const params: [string, ParamValue][] = [];
  const clientBits = typeof policy.clientMaxWindowBits === 'number' ? policy.clientMaxWindowBits : undefined;
  if (clientBits !== undefined) params.push(['max_window_bits', String(clientBits)]);
  if (policy.clientNoContextTakeover) params.push(['no_context_takeover', true]);
  const serverBits = typeof policy.serverMaxWindowBits === 'number' ? policy.serverMaxWindowBits : 15;
  return {
    header: formatExtension(element.name, params),
    negotiated: {
      extension: element.name,
      deflate: {
        windowBits: Math.min(offer.maxWindowBits ?? 15, serverBits),
        noContextTakeover: offer.noContextTakeover || policy.serverNoContextTakeover,
      },
      inflate: { windowBits: clientBits ?? 15, noContextTakeover: policy.clientNoContextTakeover },
    },
  };
}

/** A WebKit-style client offer: the bare name, plus what the policy asks of the server. */
export function deflateFrameOffer(policy: CompressionPolicy): string {
  const params: [string, ParamValue][] = [];
  if (typeof policy.serverMaxWindowBits === 'number')
    params.push(['max_window_bits', String(policy.serverMaxWindowBits)]);
  if (policy.serverNoContextTakeover) params.push(['no_context_takeover', true]);
  return formatExtension(DEFLATE_FRAME_NAMES[0], params);
}

/** The client's reading of a deflate-frame answer to `deflateFrameOffer`. */
export function acceptDeflateFrameResponse(
  element: ExtensionElement,
  policy: CompressionPolicy,
): NegotiatedCompression | string {
  if (element.name !== DEFLATE_FRAME_NAMES[0]) return `server answered ${element.name}, not the offered name`;
  const answer = readParams(element);
  if (typeof answer === 'string') return `deflate-frame answer: ${answer}`;
  return {
    extension: DEFLATE_FRAME_NAMES[0],
    deflate: {
      windowBits: answer.maxWindowBits ?? 15,
      noContextTakeover: answer.noContextTakeover || policy.clientNoContextTakeover,
    },
    inflate: {
      windowBits: typeof policy.serverMaxWindowBits === 'number' ? policy.serverMaxWindowBits : 15,
      noContextTakeover: policy.serverNoContextTakeover,
    },
  };
}
