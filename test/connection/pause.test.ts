// Connection.pause()/resume()/isPaused over a fake transport: reading stops at the transport, events
// already decoded are still delivered, states where pausing means nothing are no-ops (as ws 8).
import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/connection/connection.js';
import { connecting, setup } from './setup.js';

const messages = (log: unknown[][]) =>
  log.filter((e) => e[0] === 'message').map((e) => (e[1] as Buffer).toString());

describe('Connection pause and resume', () => {
  it('pause() stops reading at the transport; resume() delivers what waited, in order', () => {
    const { conn, transport, peer, log } = setup('rfc6455');
    expect(conn.isPaused).toBe(false);
    conn.pause();
    expect(conn.isPaused).toBe(true);
    expect(transport.paused).toBe(true);
    transport.peerSends(peer.encode({ type: 'text', data: 'a' }));
    transport.peerSends(peer.encode({ type: 'text', data: 'b' }));
    expect(messages(log)).toEqual([]);
    conn.resume();
    expect(conn.isPaused).toBe(false);
    expect(transport.paused).toBe(false);
    expect(messages(log)).toEqual(['a', 'b']);
  });

  it('messages already decoded in the same read are still delivered after pause()', () => {
    const { conn, transport, peer, log } = setup('hybi-10');
    conn.on('message', () => conn.pause());
    const frames = ['1', '2', '3'].map((data) => peer.encode({ type: 'text', data }));
    transport.peerSends(Buffer.concat(frames));
    expect(messages(log)).toEqual(['1', '2', '3']);
    transport.peerSends(peer.encode({ type: 'text', data: '4' }));
    expect(messages(log)).toEqual(['1', '2', '3']);
    conn.resume();
    expect(messages(log)).toEqual(['1', '2', '3', '4']);
  });

  it('a paused connection still sends, and pings are answered once reading resumes', () => {
    const { conn, transport, peer, peerReads } = setup('rfc6455');
    conn.pause();
    expect(conn.send('out')).toBe(true);
    transport.peerSends(peer.encode({ type: 'ping', data: Buffer.from('p') }));
    expect(peerReads().map((e) => e.type)).toEqual(['text']);
    conn.resume();
    expect(peerReads()).toEqual([{ type: 'pong', data: Buffer.from('p') }]);
  });

  it('works on hixie drafts too (the transport is what pauses)', () => {
    const { conn, transport, log } = setup('hixie-76');
    conn.pause();
    transport.peerSends(Buffer.from([0x00, 0x68, 0x69, 0xff]));
    expect(messages(log)).toEqual([]);
    conn.resume();
    expect(messages(log)).toEqual(['hi']);
  });

  it('is a no-op while CONNECTING and once CLOSED', () => {
    const opening = connecting();
    opening.pause();
    expect(opening.isPaused).toBe(false);

    const { conn, transport } = setup('rfc6455');
    transport.closed();
    expect(conn.readyState).toBe(Connection.CLOSED);
    conn.pause();
    expect(conn.isPaused).toBe(false);
    expect(transport.paused).toBe(false);
  });

  it('pausing while CLOSING is allowed: the peer close frame waits until resume', () => {
    const { conn, transport, peer, log } = setup('rfc6455');
    conn.close(1000);
    conn.pause();
    expect(conn.isPaused).toBe(true);
    transport.peerSends(peer.encode({ type: 'close', code: 1000, reason: '' }));
    expect(transport.ended).toBe(false);
    conn.resume();
    expect(transport.ended).toBe(true);
    transport.closed();
    expect(log.at(-1)).toEqual(['close', 1000, '', true]);
  });
});
