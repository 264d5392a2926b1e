// The draft registry: the only file that imports every draft.
import type { Draft, DraftId } from './core/types.js';
import { hixie75 } from './hixie75/index.js';
import { hixie76 } from './hixie76/index.js';
import { hybi07 } from './hybi07/index.js';
import { hybi10 } from './hybi10/index.js';
import { rfc6455 } from './rfc6455/index.js';

export const DRAFTS: Readonly<Record<DraftId, Draft>> = {
  'hixie-75': hixie75,
  'hixie-76': hixie76,
  'hybi-07': hybi07,
  'hybi-10': hybi10,
  rfc6455,
};

export function getDraft(id: DraftId): Draft {
  return DRAFTS[id];
}

export function isDraftId(value: string): value is DraftId {
  return Object.hasOwn(DRAFTS, value);
}
