// The RFC 6455 draft: the shared hybi family with the version-13 profile.
import type { Draft } from '../core/types.js';
import { createHybiDraft } from '../family/hybi/draft.js';
import { RFC6455_PROFILE } from './profile.js';

export { RFC6455_PROFILE } from './profile.js';
export const rfc6455: Draft = createHybiDraft(RFC6455_PROFILE);
