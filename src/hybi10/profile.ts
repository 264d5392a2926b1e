// hybi-08..12 (Sec-WebSocket-Version 8; drafts.md §5): Sec-WebSocket-Origin, 1004 "frame too large", 1007.
import { HYBI_CAPS, type HybiProfile } from '../family/hybi/profile.js';

export const HYBI10_PROFILE: HybiProfile = Object.freeze({
  id: 'hybi-10',
  version: 8,
  originHeader: 'Sec-WebSocket-Origin',
  // drafts.md §5 "Close codes by version": 1000-1004, 1007 from -10 on; 1005/1006 never on the wire.
  closeCodes: [
    [1000, 1004],
    [1007, 1007],
    [3000, 4999],
  ],
  // No 1009 yet: an oversized message is 1004 "frame too large".
  faultCodes: { MESSAGE_TOO_BIG: 1004, TOO_MANY_FRAGMENTS: 1004 },
  // pywebsocket checks minimal lengths only for version 13: the v8 drafts did not forbid them.
  minimalLength: false,
  caps: HYBI_CAPS,
} satisfies HybiProfile);
