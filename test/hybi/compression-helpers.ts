// Codec pairs with a negotiated compression extension, negotiated through the real pure functions.
import { seededRng } from '../../src/core/rng.js';
import type { Codec, CompressionPolicy, Draft, NegotiatedCompression } from '../../src/core/types.js';
import {
  acceptExtensionOffers,
  extensionOffer,
  readExtensionAnswer,
} from '../../src/extensions/negotiate.js';
import { ZlibCompression } from '../../src/extensions/zlib-compression.js';

export const BASE_POLICY: CompressionPolicy = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: true,
  clientMaxWindowBits: true,
  deflateFrame: false,
};

/** Every client offer shape: context takeover on/off each way, windows 8 (zlib's odd case) to 15. */
export const CLIENT_POLICIES: CompressionPolicy[] = [];
for (const serverNoContextTakeover of [false, true])
  for (const clientNoContextTakeover of [false, true])
    for (const serverMaxWindowBits of [true, 8, 9, 12, 15] as const)
      for (const clientMaxWindowBits of [true, 8, 11, 15] as const)
        CLIENT_POLICIES.push({
          ...BASE_POLICY,
          serverNoContextTakeover,
          clientNoContextTakeover,
          serverMaxWindowBits,
          clientMaxWindowBits,
        });

/** Both endpoints' view of one negotiation: the client's offer, the server's answer, the client's check. */
export function negotiatePair(
  client: CompressionPolicy,
  server: CompressionPolicy = BASE_POLICY,
): { server: NegotiatedCompression; client: NegotiatedCompression; header: string } {
  const accepted = acceptExtensionOffers([extensionOffer(client)], server);
  if (!accepted) throw new Error('offer declined');
  const answer = readExtensionAnswer([accepted.header], client);
  if (!answer.ok || !answer.negotiated) throw new Error(`answer refused: ${JSON.stringify(answer)}`);
  return { server: accepted.negotiated, client: answer.negotiated, header: accepted.header };
}

export const SETTINGS = { deflateOptions: {}, inflateOptions: {}, threshold: 0, asyncThreshold: 16 * 1024 };

export function compressedCodec(
  draft: Draft,
  role: 'server' | 'client',
  negotiated: NegotiatedCompression,
  maxPayload = 1 << 20,
): Codec {
  return draft.createCodec(role, {
    maxPayload,
    rng: seededRng(3),
    compression: new ZlibCompression(negotiated, SETTINGS),
  });
}

/** JSON-like text of about `size` bytes with some variety, as a chat or API stream would carry. */
export function jsonLike(size: number, seed: number): string {
  let out = '[';
  let i = seed;
  while (out.length < size) {
    i = (i * 1103515245 + 12345) >>> 0;
    out += `{"id":${i % 10000},"user":"u${i % 97}","ok":${i % 2 === 0},"v":${(i % 1000) / 7}},`;
  }
  return out.slice(0, size);
}
