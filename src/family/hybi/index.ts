// The hybi family (hybi-07, hybi-08..12, RFC 6455): what drafts and upper layers may import.

export { buildHybiRequest } from './client-handshake.js';
export { HybiCodec } from './codec.js';
export { createHybiDraft } from './draft.js';
export { encodeCloseFrame, encodeFrame, encodeTextFrame } from './frame-encoder.js';
export { MASK_BACKEND, maskBuffer, maskCopy, maskInPlace, NATIVE_MASK } from './mask.js';
export {
  type CodeRange,
  faultCloseCode,
  HYBI_CAPS,
  HYBI_VERSIONS,
  type HybiProfile,
  isCloseCodeAllowed,
} from './profile.js';
export { acceptHybiRequest, versionList } from './server-handshake.js';
