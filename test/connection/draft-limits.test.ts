// What the peer's draft cannot carry never throws: the close-code table (close-codes.ts) and the
// binaryToLegacy policies (legacy-binary.ts), on a Connection over a fake transport.
import { describe, expect, it } from 'vitest';
import { closeCodeFor } from '../../src/connection/close-codes.js';
import { seededRng } from '../../src/core/rng.js';
import { ALL_DRAFTS } from '../../src/core/types.js';
import { getDraft } from '../../src/drafts.js';
import { setup } from './setup.js';

const CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999];

describe('close codes are mapped, never thrown', () => {
  it('every code maps to one the draft codec itself sends (or none on hixie)', () => {
    for (const draft of ALL_DRAFTS)
      for (const code of CODES) {
        const mapped = closeCodeFor(draft, code);
        if (draft.startsWith('hixie')) {
          expect(mapped).toBeUndefined();
          continue;
        }
        if (mapped === undefined) throw new Error(`${draft} ${code}: no code`);
        const codec = getDraft(draft).createCodec('server', { maxPayload: 1024, rng: seededRng(1) });
        expect(() => codec.encode({ type: 'close', code: mapped, reason: 'r' })).not.toThrow();
      }
  });

  it('the nearest codes on the old drafts', () => {
    expect(CODES.map((c) => closeCodeFor('hybi-07', c))).toEqual([
      1000, 1001, 1002, 1003, 1002, 1003, 1004, 1002, 1001, 1001, 1001, 1001, 3000, 4999,
    ]);
    expect(closeCodeFor('hybi-10', 1007)).toBe(1007);
    expect(closeCodeFor('rfc6455', 1011)).toBe(1011);
    for (const never of [1004, 1005, 1006, 1015, 999, 5000, 2000])
      expect(closeCodeFor('rfc6455', never)).toBeUndefined();
  });

  it('close(1011) on hybi-07 sends 1001; on hixie-76 FF 00; on hixie-75 ends TCP', () => {
    const h7 = setup('hybi-07');
    h7.conn.close(1011, 'oops');
    expect(h7.peerReads()).toContainEqual({ type: 'close', code: 1001, reason: 'oops' });
    const h76 = setup('hixie-76');
    h76.conn.close(1008, 'policy');
    expect(h76.transport.output()).toEqual(Buffer.from([0xff, 0x00]));
    const h75 = setup('hixie-75');
    h75.conn.close(1011);
    expect(h75.transport.ended).toBe(true);
  });
});

describe('binaryToLegacy', () => {
  const bytes = Buffer.from([0x68, 0x69, 0xff]);

  it("'base64' and 'utf8' send text; 'drop' and 'error' send nothing and count", async () => {
    const b64 = setup('hixie-76');
    b64.conn.binaryToLegacy = 'base64';
    expect(b64.conn.send(bytes)).toBe(true);
    expect(b64.peerReads()).toEqual([{ type: 'text', data: Buffer.from(bytes.toString('base64')) }]);
    const utf8 = setup('hixie-75');
    utf8.conn.binaryToLegacy = 'utf8';
    utf8.conn.send(bytes);
    expect(utf8.peerReads()).toEqual([{ type: 'text', data: Buffer.from('hi\uFFFD') }]);
    for (const policy of ['drop', 'error'] as const) {
      const h = setup('hixie-76');
      h.conn.binaryToLegacy = policy;
      const err = await new Promise((resolve) => expect(h.conn.send(bytes, resolve)).toBe(false));
      expect(h.transport.output().length).toBe(0);
      expect(h.conn.undelivered).toBe(1);
      if (policy === 'drop') expect(err).toBeUndefined();
      else expect(err).toMatchObject({ code: 'BINARY_UNSUPPORTED' });
    }
  });

  it("'close' reports the error and closes (FF 00 on hixie-76); hybi drafts are never affected", () => {
    const h = setup('hixie-76');
    h.conn.binaryToLegacy = 'close';
    expect(h.conn.send(bytes)).toBe(false);
    expect(h.transport.output()).toEqual(Buffer.from([0xff, 0x00]));
    expect(h.conn.readyState).toBe(h.conn.CLOSING);
    const r = setup('rfc6455');
    r.conn.binaryToLegacy = 'close';
    r.conn.send(bytes);
    expect(r.peerReads()).toEqual([{ type: 'binary', data: bytes }]);
  });

  it('an unknown policy is a TypeError', () => {
    const { conn } = setup('hixie-76');
    expect(() => {
      (conn as { binaryToLegacy: string }).binaryToLegacy = 'explode';
    }).toThrowError(TypeError);
  });
});
