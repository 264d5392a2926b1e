// hybi-07 (Sec-WebSocket-Version 7; drafts.md §5): Sec-WebSocket-Origin, close codes 1000-1004, no 1007.
import { HYBI_CAPS, type HybiProfile } from '../family/hybi/profile.js';

export const HYBI07_PROFILE: HybiProfile = Object.freeze({
  id: 'hybi-07',
  version: 7,
  originHeader: 'Sec-WebSocket-Origin',
  // drafts.md §5: the hybi-07 code set is 1000-1004; the 3000-4999 application ranges are accepted too.
  closeCodes: [
    [1000, 1004],
    [3000, 4999],
  ],
  // No 1007 or 1009 in hybi-07: invalid UTF-8 is a protocol error, an oversized message "frame too large".
  faultCodes: { INVALID_UTF8: 1002, MESSAGE_TOO_BIG: 1004, TOO_MANY_FRAGMENTS: 1004 },
  minimalLength: false,
  caps: HYBI_CAPS,
} satisfies HybiProfile);
