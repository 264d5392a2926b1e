// The hixie-76 (= hybi-00) draft: hixie framing plus the `FF 00` closing handshake, key challenge (drafts.md §2).
import type { Draft } from '../core/types.js';
import { createHixieCodec } from '../family/hixie/codec.js';
import { hixieCaps } from '../family/hixie/handshake-common.js';
import { acceptHixie76, buildHixie76Request } from './handshake.js';

const profile = { closingHandshake: true } as const;

export const hixie76: Draft = {
  id: 'hixie-76',
  version: undefined,
  caps: hixieCaps(true),
  acceptRequest: acceptHixie76,
  buildRequest: buildHixie76Request,
  // Hixie frames are never masked, so both roles read and write the same bytes.
  createCodec: (_role, options) => createHixieCodec(options, profile),
};
