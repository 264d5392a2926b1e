// Write order within one read (ws 8 order: automatic pong before later replies), corking, and sending
// after the peer's close was consumed (ws 8 "send after close"; RFC 6455 §5.5.1, §5.5.2).
import { describe, expect, it } from 'vitest';
import type { CodecEvent } from '../../src/core/types.js';
import { connecting, setup } from './setup.js';

function shape(events: readonly CodecEvent[]): string[] {
  return events.map((e) => ('data' in e ? `${e.type}:${String(e.data)}` : e.type));
}

describe('Connection write order', () => {
  it('a ping between fragments is answered before the echo of the message it interrupted', () => {
    const { conn, transport, peer, peerReads } = setup('rfc6455');
    conn.on('message', (data: Buffer) => conn.send(data.toString()));
    // RFC 6455 §5.4: control frames may be injected between the fragments of a message.
    const frag1 = peer.encode({ type: 'text', data: 'Hel' });
    const ping = peer.encode({ type: 'ping', data: Buffer.from('p') });
    const frag2 = peer.encode({ type: 'text', data: 'lo' });
    // Turn the two encoded text frames into a fragmented message: first without FIN, then continuation.
    frag1[0] = 0x01;
    frag2[0] = 0x80;
    const before = transport.written.length;
    transport.peerSends(Buffer.concat([frag1, ping, frag2]));
    expect(shape(peerReads())).toEqual(['pong:p', 'text:Hello']);
    // Both frames leave in one syscall (corked), though written by two calls.
    expect(transport.written.length - before).toBe(1);
    expect(transport.corked).toBe(0);
  });

  it("the pong is written before the 'ping' listener runs, so a reply from it comes after", () => {
    const { conn, transport, peer, peerReads } = setup('hybi-10');
    conn.on('ping', () => conn.send('after'));
    transport.peerSends(peer.encode({ type: 'ping', data: Buffer.from('x') }));
    expect(shape(peerReads())).toEqual(['pong:x', 'text:after']);
  });

  it('every message sent from listeners during one read leaves in one write, in order', () => {
    const { conn, transport, peer, peerReads } = setup('rfc6455');
    conn.on('message', (data: Buffer) => conn.send(data, { binary: false }));
    const frames = ['a', 'b', 'c', 'd'].map((t) => peer.encode({ type: 'text', data: t }));
    const calls = transport.writeCalls;
    const before = transport.written.length;
    transport.peerSends(Buffer.concat(frames));
    expect(transport.writeCalls - calls).toBe(4);
    expect(transport.written.length - before).toBe(1);
    expect(shape(peerReads())).toEqual(['text:a', 'text:b', 'text:c', 'text:d']);
  });

  it('a listener that throws costs its connection only: earlier writes flushed, then close 1011', () => {
    const { conn, transport, peer, peerReads } = setup('rfc6455');
    const reported: unknown[] = [];
    conn.on('error', (err) => reported.push(err));
    conn.on('message', () => {
      conn.send('reply');
      throw new Error('listener bug');
    });
    transport.peerSends(peer.encode({ type: 'text', data: 'm' }));
    expect(transport.corked).toBe(0);
    expect(peerReads().filter((e) => e.type !== 'send')).toEqual([
      { type: 'text', data: Buffer.from('reply') },
      { type: 'close', code: 1011, reason: 'internal error' },
    ]);
    expect(reported).toEqual([new Error('listener bug')]);
    expect(conn.readyState).toBe(conn.CLOSING);
  });

  it('hixie-76: messages read with the peer FF 00 are answered before our FF 00 goes out', () => {
    const { conn, transport, peer, peerReads, log } = setup('hixie-76');
    const returned: boolean[] = [];
    conn.on('message', (data: Buffer) => returned.push(conn.send(data.toString())));
    transport.peerSends(
      Buffer.concat([
        peer.encode({ type: 'text', data: 'one' }),
        peer.encode({ type: 'text', data: 'two' }),
        peer.encode({ type: 'close' }),
      ]),
    );
    expect(returned).toEqual([true, true]);
    expect(shape(peerReads())).toEqual(['text:one', 'text:two', 'close']);
    expect(conn.send('after our FF 00')).toBe(false);
    expect(transport.ended).toBe(true);
    transport.closed();
    expect(log.at(-1)).toEqual(['close', 1005, '', true]);
  });
});

describe('sending until our close frame is written (RFC 6455 §5.5.1)', () => {
  it('send() from a message listener, with the close in the same read: written before the echo', async () => {
    const { conn, transport, peer, peerReads, log } = setup('rfc6455');
    const results: boolean[] = [];
    const errors: Promise<unknown>[] = [];
    conn.on('message', () => {
      errors.push(new Promise((resolve) => results.push(conn.send('late', resolve))));
      results.push(conn.send('no callback'));
      results.push(conn.ping('p'));
      results.push(conn.pong('q'));
    });
    transport.peerSends(
      Buffer.concat([peer.encode({ type: 'text', data: 'm' }), peer.encode({ type: 'close', code: 4000 })]),
    );
    expect(results).toEqual([true, true, true, true]);
    // The answers precede the echo; after it nothing may follow (RFC 6455 §5.5.1).
    expect(shape(peerReads())).toEqual(['text:late', 'text:no callback', 'ping:p', 'pong:q', 'close']);
    expect(await errors[0]).toBeFalsy();
    expect(conn.send('after the echo')).toBe(false);
    expect(transport.ended).toBe(true);
    transport.closed();
    expect(log.at(-1)).toEqual(['close', 4000, '', true]);
  });

  it('CLOSING and CLOSED: send/ping/pong return false; the callback is called later, not during the call', async () => {
    const { conn, transport } = setup('rfc6455');
    conn.close(1000);
    const written = transport.output().length;
    let called = false;
    const err = new Promise<unknown>((resolve) => {
      expect(
        conn.ping(undefined, (e) => {
          called = true;
          resolve(e);
        }),
      ).toBe(false);
    });
    expect(called).toBe(false);
    expect(await err).toMatchObject({ code: 'NOT_OPEN' });
    transport.closed();
    expect(conn.readyState).toBe(conn.CLOSED);
    expect(conn.send(Buffer.from([1]))).toBe(false);
    expect(await new Promise((resolve) => conn.pong('x', resolve))).toMatchObject({ code: 'NOT_OPEN' });
    expect(transport.output().length).toBe(written);
  });

  it('argument errors still throw after close (wrong data type, oversized ping); draft limits never do', () => {
    const h = setup('hixie-76').conn;
    h.close();
    expect(h.send(Buffer.from([1]))).toBe(false);
    expect(h.ping()).toBe(false);
    expect(() => h.send(42 as unknown as string)).toThrowError(TypeError);
    const r = setup('rfc6455').conn;
    r.close();
    expect(() => r.ping(Buffer.alloc(126))).toThrowError(RangeError);
  });
});

describe('sending while CONNECTING', () => {
  it('send, ping and pong throw NOT_OPEN (the only state where they throw for it)', () => {
    const conn = connecting();
    for (const call of [() => conn.send('x'), () => conn.ping(), () => conn.pong()])
      expect(call).toThrowError(expect.objectContaining({ code: 'NOT_OPEN' }));
  });
});
