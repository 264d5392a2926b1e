// Reading a hixie-76 Sec-WebSocket-Key1/Key2 value (hixie-76 §5.2 steps 4-9; drafts.md §2, §10.1), with
// every defect named: the hixie-76 handshake refuses on the first, `detect` reports them all.

export type HixieKeyDefect = 'no-digits' | 'no-spaces' | 'not-multiple' | 'too-large';

export interface HixieKeyReport {
  /** key-number / spaces when the key is usable, else undefined. */
  readonly part: bigint | undefined;
  readonly defects: readonly HixieKeyDefect[];
  readonly keyNumber: bigint | undefined;
  readonly spaces: number;
}

const MAX_PART = 0xffff_ffffn;

/** Up to this many digits the key-number is below 2^53, so plain numbers compute it exactly. */
const EXACT_DIGITS = 15;

/**
 * The part of a key, or its first defect, as `checkHixieKey` finds them: one pass over the key and plain
 * numbers (no regex, no BigInt) for the usual key of at most 15 digits; a longer one goes the BigInt way.
 */
export function hixieKeyPart(key: string): number | HixieKeyDefect {
  let spaces = 0;
  let digits = 0;
  let keyNumber = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 0x20) spaces++;
    else if (c >= 0x30 && c <= 0x39) {
      digits++;
      keyNumber = keyNumber * 10 + (c - 0x30);
    }
  }
  if (digits > EXACT_DIGITS) {
    const report = checkHixieKey(key);
    return report.defects[0] ?? Number(report.part);
  }
  if (digits === 0) return 'no-digits';
  if (spaces === 0) return 'no-spaces';
  if (keyNumber % spaces !== 0) return 'not-multiple';
  const part = keyNumber / spaces;
  return part > MAX_PART_NUMBER ? 'too-large' : part;
}

const MAX_PART_NUMBER = 0xffff_ffff;

/**
 * Every defect of one key. BigInt because the digit string can exceed 2^53 (drafts.md §2 "Precision"),
 * and a key without digits is a defect, not a crash (websocket-driver-node #27).
 */
export function checkHixieKey(key: string): HixieKeyReport {
  const digits = key.replace(/[^0-9]/g, '');
  // hixie-76 §5.2: only U+0020 counts; tabs and other whitespace do not.
  let spaces = 0;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 0x20) spaces++;
  const defects: HixieKeyDefect[] = [];
  const keyNumber = digits === '' ? undefined : BigInt(digits);
  if (keyNumber === undefined) defects.push('no-digits');
  // hixie-76 §5.2 step 5: zero spaces is "a symptom of a cross-protocol attack".
  if (spaces === 0) defects.push('no-spaces');
  let part: bigint | undefined;
  if (keyNumber !== undefined && spaces > 0) {
    const n = BigInt(spaces);
    // hixie-76 §5.2 step 6: key-number must be an integral multiple of spaces.
    if (keyNumber % n !== 0n) defects.push('not-multiple');
    // The part goes out as 4 bytes; em-websocket refuses more, websocket-driver crashed (faye-websocket-node #47).
    if (keyNumber / n > MAX_PART) defects.push('too-large');
    if (defects.length === 0) part = keyNumber / n;
  }
  return { part, defects, keyNumber, spaces };
}
