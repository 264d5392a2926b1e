// Builds a Draft from a HybiProfile: the one place the shared codec and handshakes meet a profile.
import type { Draft } from '../../core/types.js';
import { buildHybiRequest } from './client-handshake.js';
import { HybiCodec } from './codec.js';
import type { HybiProfile } from './profile.js';
import { acceptHybiRequest } from './server-handshake.js';

export function createHybiDraft(profile: HybiProfile): Draft {
  return Object.freeze({
    id: profile.id,
    version: profile.version,
    caps: profile.caps,
    acceptRequest: (head, options) => acceptHybiRequest(profile, head, options),
    buildRequest: (options) => buildHybiRequest(profile, options),
    createCodec: (role, options) => new HybiCodec(profile, role, options),
  } satisfies Draft);
}
