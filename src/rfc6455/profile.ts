// RFC 6455 (Sec-WebSocket-Version 13, drafts hybi-13..17): the full §7.4 close-code set, minimal lengths.
import { HYBI_CAPS, type HybiProfile } from '../family/hybi/profile.js';

export const RFC6455_PROFILE: HybiProfile = Object.freeze({
  id: 'rfc6455',
  version: 13,
  originHeader: 'Origin',
  // RFC 6455 §7.4.1-§7.4.2: 1004 is reserved; 1005, 1006 and 1015 MUST NOT be sent in a close frame.
  // 1012-1014 were registered with IANA later (1013 "try again later" answers maxBufferedBytes); ws 8
  // and browsers accept them.
  closeCodes: [
    [1000, 1003],
    [1007, 1014],
    [3000, 4999],
  ],
  faultCodes: {},
  // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
  minimalLength: true,
  caps: HYBI_CAPS,
} satisfies HybiProfile);
