// hixie-76 challenge keys: the server's reading of Key1/Key2 (§5.2 steps 4-9), the client's generation
// (§4.1 steps 16-26, drafts.md §2) and the MD5 answer over part1, part2 and key3.
import { md5 } from '../core/crypto.js';
import type { Rng } from '../core/types.js';
import { type HixieKeyDefect, hixieKeyPart } from '../family/hixie/key-number.js';

/** Why a key is refused: a stable name for tests and logs. */
export type KeyProblem = 'NO_DIGITS' | 'NO_SPACES' | 'NOT_MULTIPLE' | 'PART_TOO_BIG';

export type KeyReading =
  | { readonly ok: true; readonly part: number }
  | { readonly ok: false; readonly problem: KeyProblem; readonly reason: string };

const PROBLEMS: Readonly<Record<HixieKeyDefect, { problem: KeyProblem; reason: string }>> = {
  'no-digits': { problem: 'NO_DIGITS', reason: 'key has no digits' },
  'no-spaces': { problem: 'NO_SPACES', reason: 'key has no spaces' },
  'not-multiple': { problem: 'NOT_MULTIPLE', reason: 'key number is not a multiple of its spaces' },
  'too-large': { problem: 'PART_TOO_BIG', reason: 'key part exceeds 2^32-1' },
};

/** hixie-76 §5.2 steps 4-9: the key's part, or the first reason it is refused. */
export function readKey(key: string): KeyReading {
  const part = hixieKeyPart(key);
  if (typeof part === 'string') return { ok: false, ...PROBLEMS[part] };
  return { ok: true, part };
}

/** MD5(part1 as BE32 + part2 as BE32 + key3): the 16-byte answer, sent with no CRLF after it. */
export function challengeAnswer(part1: number, part2: number, key3: Uint8Array): Buffer {
  const challenge = Buffer.allocUnsafe(8 + key3.length);
  challenge.writeUInt32BE(part1, 0);
  challenge.writeUInt32BE(part2, 4);
  challenge.set(key3, 8);
  return md5(challenge);
}

/**
 * A uniform-enough integer in [lo, hi] from 6 random bytes: the modulo bias is at most 2^-16 for the
 * ranges used here (below 2^32), and no retry loop is needed.
 */
function randomInt(rng: Rng, lo: number, hi: number): number {
  const b = rng(6);
  let v = 0;
  for (let i = 0; i < 6; i++) v = v * 256 + (b[i] ?? 0);
  return lo + (v % (hi - lo + 1));
}

function insertAt(s: string, at: number, ch: string): string {
  return s.slice(0, at) + ch + s.slice(at);
}

/** U+0021-U+002F then U+003A-U+007E: printable non-digit, non-space characters (§4.1 step 20). */
const NOISE = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i))
  .filter((c) => c < '0' || c > '9')
  .join('');

export interface GeneratedKey {
  readonly key: string;
  readonly part: number;
}

/** hixie-76 §4.1 steps 16-22: a key whose digits divided by its spaces give `part`. */
export function generateKey(rng: Rng): GeneratedKey {
  const spaces = randomInt(rng, 1, 12);
  const max = Math.floor(0xffffffff / spaces);
  const part = randomInt(rng, 0, max);
  let key = String(part * spaces);
  const noise = randomInt(rng, 1, 12);
  for (let i = 0; i < noise; i++) {
    const ch = NOISE[randomInt(rng, 0, NOISE.length - 1)]!;
    key = insertAt(key, randomInt(rng, 0, key.length), ch);
  }
  // §4.1 step 21: spaces go anywhere but first or last, so header trimming cannot lose them.
  for (let i = 0; i < spaces; i++) key = insertAt(key, randomInt(rng, 1, key.length - 1), ' ');
  return { key, part };
}
