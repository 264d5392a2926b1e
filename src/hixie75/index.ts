// The hixie-75 draft: sentinel framing with no closing handshake, the 85-byte handshake (drafts.md §1).
import type { Draft } from '../core/types.js';
import { createHixieCodec } from '../family/hixie/codec.js';
import { hixieCaps } from '../family/hixie/handshake-common.js';
import { acceptHixie75, buildHixie75Request } from './handshake.js';

const profile = { closingHandshake: false } as const;

export const hixie75: Draft = {
  id: 'hixie-75',
  version: undefined,
  caps: hixieCaps(false),
  acceptRequest: acceptHixie75,
  buildRequest: buildHixie75Request,
  // Hixie frames are never masked, so both roles read and write the same bytes.
  createCodec: (_role, options) => createHixieCodec(options, profile),
};
