// maxFragments (issue 11): empty continuation frames cost an entry each without counting against
// maxPayload, so the number of frames per message is bounded too (ws 8: 16,384, then 1008).
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/core/rng.js';
import type { CodecEvent } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';
import { rawFrame } from './helpers.js';

const MASK = [1, 2, 3, 4];
const codec = (draft: 'rfc6455' | 'hybi-10' | 'hybi-07', maxFragments?: number) =>
  getDraft(draft).createCodec('server', {
    maxPayload: 1024,
    rng: seededRng(1),
    ...(maxFragments === undefined ? {} : { maxFragments }),
  });

function fragments(count: number, fin: boolean): Buffer {
  const frames = [rawFrame({ opcode: 1, payload: '', fin: false, mask: MASK })];
  for (let i = 1; i < count; i++)
    frames.push(rawFrame({ opcode: 0, payload: '', fin: fin && i === count - 1, mask: MASK }));
  return Buffer.concat(frames);
}

const failOf = (events: CodecEvent[]) => events.find((e) => e.type === 'fail');

describe('fragments per message', () => {
  it('a message of exactly maxFragments frames is delivered', () => {
    const events = codec('rfc6455', 8).push(fragments(8, true));
    expect(events).toEqual([{ type: 'text', data: Buffer.alloc(0) }]);
  });

  for (const [draft, code] of [
    ['rfc6455', 1008],
    ['hybi-10', 1004],
    ['hybi-07', 1004],
  ] as const) {
    it(`${draft}: one frame more fails with ${code}, and nothing stays held`, () => {
      const c = codec(draft, 8);
      const events = c.push(fragments(9, false));
      expect(failOf(events)).toMatchObject({ fault: 'TOO_MANY_FRAGMENTS', closeCode: code });
      expect(c.bufferedBytes).toBe(0);
      expect(c.state).toBe('closed');
    });
  }

  it('the default is 16,384 frames', () => {
    const c = codec('rfc6455');
    expect(failOf(c.push(fragments(16_384, false)))).toBeUndefined();
    expect(failOf(c.push(rawFrame({ opcode: 0, payload: '', fin: false, mask: MASK })))).toMatchObject({
      closeCode: 1008,
    });
  });
});
