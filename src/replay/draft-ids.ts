// Draft ids and core head types as the replay tools see them, without loading any draft module.
import { ALL_DRAFTS, type DraftId } from '../core/types.js';

export type { DraftId, HeaderLine, Role } from '../core/types.js';

export function isDraftIdString(value: string): value is DraftId {
  return (ALL_DRAFTS as readonly string[]).includes(value);
}
