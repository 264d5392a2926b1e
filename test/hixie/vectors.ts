// drafts.md §10.1: hixie-76 handshake vectors (H76-1..6) and the negative keys.
import { hex } from './helpers.js';

export interface KeyVector {
  readonly id: string;
  readonly key1: string;
  readonly key2: string;
  readonly key3: Buffer;
  readonly part1: number;
  readonly part2: number;
  readonly answer: Buffer;
}

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

/** drafts.md §10.1: the spaces inside keys are significant. */
export const H76_VECTORS: readonly KeyVector[] = [
  {
    id: 'H76-1',
    key1: '4 @1  46546xW%0l 1 5',
    key2: '12998 5 Y3 1  .P00',
    key3: latin1('^n:ds[4U'),
    part1: 829309203,
    part2: 259970620,
    answer: latin1("8jKS'y:G*Co,Wxa-"),
  },
  {
    id: 'H76-2',
    key1: '18x 6]8vM;54 *(5:  {   U1]8  z [  8',
    key2: '1_ tx7X d  <  nw  334J702) 7]o}` 0',
    key3: latin1('Tm[K T2u'),
    part1: 155712099,
    part2: 173347027,
    answer: latin1('fQJ,fN/4F4!~K~MH'),
  },
  {
    id: 'H76-3',
    key1: '3e6b263  4 17 80',
    key2: '17  9 G`ZD9   2 2b 7X 3 /r90',
    key3: latin1('WjN}|M(6'),
    part1: 906585445,
    part2: 179922739,
    answer: latin1('n`9eBk9z$R8pOtVb'),
  },
  {
    id: 'H76-4',
    key1: '1   38 wZ3f9 23O0 3l 0r',
    key2: '27   0E 6 2  1665:< ;U 1H',
    key3: hex('91 25 3e d3 a9 e7 6a 88'),
    part1: 197703290,
    part2: 300690739,
    answer: hex('b4 9c 6e 40 53 04 04 26 e5 1b bf 6c b7 9f 1d f9'),
  },
  {
    id: 'H76-5',
    key1: "36 7   74 i  92 2'm 9 0G",
    key2: 'y  R2 48 Q1O4  e|BV3 i5 1  u- 65',
    key3: hex('01 d1 dd 3b d1 56 63 ff'),
    part1: 367749229,
    part2: 225585015,
    answer: hex('0b 99 fa 55 bd 01 23 7b 45 a2 f1 d0 87 8a ee eb'),
  },
  {
    id: 'H76-6',
    key1: '30  ;- 5=5 u 4 1  7336',
    key2: ":2 8 G(  07A 93Ql 3 *20 Ox0G'w",
    key3: hex('5d 9f b0 67 0f e4 fa 75'),
    part1: 381927167,
    part2: 350991650,
    answer: hex('b6 bc 2a 9e a0 0c 1c b9 0f ad dc 97 90 60 17 a8'),
  },
];

/** drafts.md §10.1 negative keys, each with the reason it must fail. */
export const NEGATIVE_KEYS: readonly (readonly [string, string])[] = [
  ['2 L785 8o% s9Sy9@V. 4<1P5', 'NOT_MULTIPLE'],
  ['12998 5 Y3 1.P00', 'NOT_MULTIPLE'],
  ['nospaces', 'NO_DIGITS'],
  ['17  9 G`ZD9   2 2b 7X 3 /r91', 'NOT_MULTIPLE'],
  ['3e6b263 4 17 80', 'NOT_MULTIPLE'],
  ['3e6b63 4 17 80', 'NOT_MULTIPLE'],
  ['3e6b6341780', 'NO_SPACES'],
  ['3e 6 b263  4 17 80', 'NOT_MULTIPLE'],
  ['17  9G`ZD9  2 2b 7X 3 /r90', 'NOT_MULTIPLE'],
  ['4294967296 x', 'PART_TOO_BIG'],
  ['only letters, spaces and punctuation!', 'NO_DIGITS'],
  // Tabs are not spaces (§5.2 step 5).
  ['12\t34', 'NO_SPACES'],
];
