// The hybi-07 draft (Sec-WebSocket-Version 7): the shared hybi family with its profile.
import type { Draft } from '../core/types.js';
import { createHybiDraft } from '../family/hybi/draft.js';
import { HYBI07_PROFILE } from './profile.js';

export { HYBI07_PROFILE } from './profile.js';
export const hybi07: Draft = createHybiDraft(HYBI07_PROFILE);
