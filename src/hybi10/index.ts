// The hybi-08..12 draft ("hybi-10", Sec-WebSocket-Version 8): the shared hybi family with its profile.
import type { Draft } from '../core/types.js';
import { createHybiDraft } from '../family/hybi/draft.js';
import { HYBI10_PROFILE } from './profile.js';

export { HYBI10_PROFILE } from './profile.js';
export const hybi10: Draft = createHybiDraft(HYBI10_PROFILE);
