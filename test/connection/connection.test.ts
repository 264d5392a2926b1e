// Connection over a fake transport and real codecs: readyState, close reporting, failures, backpressure.
import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/connection/connection.js';
import { HANDSHAKE_FAILED, OPEN, SET_ABORT } from '../../src/connection/internal.js';
import { ProtocolFault, UsageError } from '../../src/core/faults.js';
import { getDraft } from '../../src/drafts.js';
import { FakeTransport } from './fake-transport.js';
import { connecting, OPTS, openOver, setup } from './setup.js';

const names = (log: unknown[][]) => log.map((e) => e[0]);

describe('Connection readyState and open', () => {
  it('moves CONNECTING -> OPEN and emits open for clients only', () => {
    const draft = getDraft('rfc6455');
    const conn = connecting('rfc6455');
    expect(conn.readyState).toBe(Connection.CONNECTING);
    expect(() => conn.send('x')).toThrowError(UsageError);
    let opened = 0;
    conn.onopen = () => opened++;
    conn[OPEN]({
      transport: new FakeTransport(),
      codec: draft.createCodec('client', OPTS),
      protocol: 'chat',
      extensions: '',
      emitOpen: true,
    });
    expect(conn.readyState).toBe(conn.OPEN);
    expect(conn.protocol).toBe('chat');
    expect(opened).toBe(1);
    const server = setup('rfc6455', 'server');
    expect(names(server.log)).not.toContain('open');
  });

  it('a failed handshake gives error then close 1006', () => {
    const conn = connecting('hybi-10');
    const log: unknown[] = [];
    conn.on('error', (e) => log.push(['error', (e as { status?: number }).status]));
    conn.on('close', (...a) => log.push(['close', ...a]));
    conn[HANDSHAKE_FAILED](Object.assign(new Error('refused'), { status: 403 }));
    expect(log).toEqual([
      ['error', 403],
      ['close', 1006, '', false],
    ]);
    expect(conn.readyState).toBe(Connection.CLOSED);
  });

  it('close() while CONNECTING aborts the handshake', () => {
    const draft = getDraft('rfc6455');
    const conn = connecting('rfc6455');
    let aborted = 0;
    conn[SET_ABORT](() => aborted++);
    const codes: number[] = [];
    conn.on('close', (code: number) => codes.push(code));
    conn.close();
    expect(aborted).toBe(1);
    expect(codes).toEqual([1006]);
    // Opening after the abort is refused: the transport is destroyed.
    const transport = new FakeTransport();
    conn[OPEN]({
      transport,
      codec: draft.createCodec('client', OPTS),
      protocol: '',
      extensions: '',
      emitOpen: true,
    });
    expect(transport.destroyed).toBe(true);
    expect(conn.readyState).toBe(Connection.CLOSED);
  });
});

describe('Connection messages', () => {
  it('delivers text and binary with isBinary, and browser-style events', () => {
    const { conn, transport, peer, log } = setup('rfc6455');
    const seen: unknown[] = [];
    conn.onmessage = (e) => seen.push(e.data);
    const listener = (e: { data: string | Buffer }) => seen.push(['L', e.data]);
    conn.addEventListener('message', listener);
    conn.addEventListener('message', listener);
    transport.peerSends(
      Buffer.concat([
        peer.encode({ type: 'text', data: 'héllo' }),
        peer.encode({ type: 'binary', data: Buffer.from([1, 2]) }),
      ]),
    );
    expect(log.filter((e) => e[0] === 'message').map((e) => [String(e[1]), e[2]])).toEqual([
      ['héllo', false],
      ['\x01\x02', true],
    ]);
    expect(seen).toEqual(['héllo', ['L', 'héllo'], Buffer.from([1, 2]), ['L', Buffer.from([1, 2])]]);
    conn.removeEventListener('message', listener);
    conn.onmessage = null;
    transport.peerSends(peer.encode({ type: 'text', data: 'again' }));
    expect(seen).toHaveLength(4);
  });

  it('sends text, binary and bytes-as-text, which the peer decodes', () => {
    const { conn, peerReads } = setup('hybi-07');
    conn.send('a');
    conn.send(new Uint8Array([9]));
    conn.send(Buffer.from('b'), { binary: false });
    conn.send(new Uint8Array([7, 8]).buffer);
    expect(peerReads().map((e) => [e.type, 'data' in e ? [...e.data] : null])).toEqual([
      ['text', [0x61]],
      ['binary', [9]],
      ['text', [0x62]],
      ['binary', [7, 8]],
    ]);
  });

  it('answers pings with pongs in one write per push', () => {
    const { transport, peer, peerReads, log } = setup('rfc6455');
    const before = transport.written.length;
    transport.peerSends(
      Buffer.concat([
        peer.encode({ type: 'ping', data: Buffer.from('1') }),
        peer.encode({ type: 'ping', data: Buffer.from('2') }),
      ]),
    );
    expect(transport.written.length - before).toBe(1);
    expect(peerReads().map((e) => [e.type, 'data' in e ? String(e.data) : ''])).toEqual([
      ['pong', '1'],
      ['pong', '2'],
    ]);
    expect(names(log)).toEqual(['ping', 'ping']);
  });

  it('reports backpressure and drain', () => {
    const { conn, transport, log } = setup('rfc6455');
    transport.highWater = 10;
    expect(conn.send('12345')).toBe(true);
    expect(conn.bufferedAmount).toBe(7);
    expect(conn.send('12345')).toBe(false);
    transport.flush();
    expect(conn.bufferedAmount).toBe(0);
    expect(names(log)).toEqual(['drain']);
  });

  it('binary and ping on hixie never throw: false, nothing written, the callback gets why', async () => {
    const { conn, transport } = setup('hixie-76');
    const start = transport.output().length;
    let binaryErr: unknown;
    expect(conn.send(Buffer.from([1]), (e) => (binaryErr = e))).toBe(false);
    expect(conn.undelivered).toBe(1);
    const pingErr = await new Promise<unknown>((resolve) =>
      expect(conn.ping(undefined, resolve)).toBe(false),
    );
    expect(pingErr).toMatchObject({ code: 'PING_UNSUPPORTED' });
    expect(binaryErr).toMatchObject({ code: 'BINARY_UNSUPPORTED' });
    expect(transport.output().length).toBe(start);
    conn.close();
    // ws 8 semantics (docs/api.md): past OPEN, send() does not throw; it writes nothing and reports NOT_OPEN.
    const before = transport.output().length;
    const err = await new Promise<unknown>((resolve) => expect(conn.send('x', resolve)).toBe(false));
    expect(err).toMatchObject({ code: 'NOT_OPEN' });
    expect(transport.output().length).toBe(before);
  });

  it('validates close codes and reasons', () => {
    const { conn } = setup('rfc6455');
    for (const code of [999, 1004, 1005, 1006, 1015, 2999, 5000, 1000.5])
      expect(() => conn.close(code)).toThrowError(RangeError);
    expect(() => conn.close(1000, 'x'.repeat(124))).toThrowError(RangeError);
    expect(() => conn.close(1000, 'é'.repeat(62))).toThrowError(RangeError);
    expect(conn.readyState).toBe(Connection.OPEN);
  });
});

describe('Connection closing (hybi)', () => {
  it('we close: CLOSING, close frame, peer answers, TCP ends, clean close with the peer code', () => {
    const { conn, transport, peerReads, log } = setup('rfc6455');
    conn.close(4000, 'bye');
    expect(conn.readyState).toBe(Connection.CLOSING);
    const answer = peerReads();
    expect(answer).toContainEqual({ type: 'close', code: 4000, reason: 'bye' });
    expect(conn.send('after our close')).toBe(false);
    expect(transport.timers.map((t) => t.ms)).toEqual([5000]);
    expect(transport.ended).toBe(false);
    // The peer codec queued its echo of our code as a 'send' event.
    const echo = answer.find((e) => e.type === 'send');
    if (echo?.type !== 'send') throw new Error('peer did not echo');
    transport.peerSends(echo.bytes);
    expect(transport.ended).toBe(true);
    transport.closed();
    expect(log.at(-1)).toEqual(['close', 4000, 'bye', true]);
    expect(conn.readyState).toBe(Connection.CLOSED);
    expect(transport.liveTimers()).toBe(0);
  });

  it('peer closes: we echo its code and reason, end TCP, report them', () => {
    const { conn, transport, peer, peerReads, log } = setup('hybi-10', 'client');
    transport.peerSends(peer.encode({ type: 'close', code: 1001, reason: 'away' }));
    expect(conn.readyState).toBe(Connection.CLOSING);
    expect(peerReads().filter((e) => e.type === 'close')).toEqual([
      { type: 'close', code: 1001, reason: 'away' },
    ]);
    expect(transport.ended).toBe(true);
    transport.closed();
    expect(log).toEqual([['close', 1001, 'away', true]]);
  });

  it('a close frame without a body reports 1005', () => {
    const { conn, transport, peer, log } = setup('rfc6455');
    conn.close();
    transport.peerSends(peer.encode({ type: 'close' }));
    transport.closed();
    expect(log.at(-1)).toEqual(['close', 1005, '', true]);
  });

  it('the close timeout destroys a socket whose peer never answers: 1006, not clean', () => {
    const { conn, transport, log } = setup('rfc6455');
    conn.close(1000);
    transport.fireTimers();
    expect(transport.destroyed).toBe(true);
    expect(log.at(-1)).toEqual(['close', 1006, '', false]);
  });

  it('terminate destroys at once: 1006', () => {
    const { conn, transport, log } = setup('rfc6455');
    conn.terminate();
    expect(transport.destroyed).toBe(true);
    expect(log).toEqual([['close', 1006, '', false]]);
    conn.terminate();
    conn.close();
    expect(log).toHaveLength(1);
  });

  it('a TCP end without a close frame is abnormal: 1006', () => {
    const { transport, log } = setup('rfc6455');
    transport.peerEnds();
    expect(transport.ended).toBe(true);
    transport.closed();
    expect(log).toEqual([['close', 1006, '', false]]);
  });

  it('a protocol fault: error with the fault, close frame with its code, 1002 and not clean', () => {
    const { transport, peerReads, log } = setup('rfc6455');
    // A server codec's frames are unmasked: RFC 6455 §5.1 says the server must fail.
    const unmasked = getDraft('rfc6455').createCodec('server', OPTS).encode({ type: 'text', data: 'x' });
    transport.peerSends(unmasked);
    const error = log.find((e) => e[0] === 'error')?.[1];
    expect(error).toBeInstanceOf(ProtocolFault);
    expect((error as ProtocolFault).fault).toBe('UNMASKED_FRAME');
    expect(peerReads()).toContainEqual({ type: 'close', code: 1002, reason: expect.any(String) });
    expect(transport.ended).toBe(true);
    transport.closed();
    expect(log.at(-1)).toEqual(['close', 1002, '', false]);
  });

  it('invalid UTF-8 fails with 1007 even with no error listener', () => {
    const { conn, transport, open } = openOver('rfc6455', 'client');
    open();
    const closes: unknown[] = [];
    conn.on('close', (...a) => closes.push(a));
    expect(() => transport.peerSends(Buffer.from([0x81, 0x02, 0xc3, 0x28]))).not.toThrow();
    transport.closed();
    expect(closes).toEqual([[1007, '', false]]);
  });

  it('a message listener that calls close() mid-batch does not break the echo', () => {
    const { conn, transport, peer, peerReads, log } = setup('rfc6455');
    conn.on('message', () => conn.close(1000));
    transport.peerSends(
      Buffer.concat([peer.encode({ type: 'text', data: 'm' }), peer.encode({ type: 'close', code: 3001 })]),
    );
    expect(peerReads().filter((e) => e.type === 'close')).toHaveLength(1);
    transport.closed();
    expect(log.at(-1)).toEqual(['close', 3001, '', true]);
  });
});

describe('Connection closing (hixie)', () => {
  it('hixie-76: FF 00 both ways is a clean close reported as 1005', () => {
    const { conn, transport, peerReads, log } = setup('hixie-76');
    conn.close(4000, 'not sent');
    expect([...transport.output()]).toEqual([0xff, 0x00]);
    expect(peerReads()).toContainEqual({ type: 'close', code: 1005, reason: '' });
    transport.peerSends(Buffer.from([0xff, 0x00]));
    expect(transport.ended).toBe(true);
    transport.closed();
    expect(log).toEqual([['close', 1005, '', true]]);
  });

  it('hixie-76: the peer closing first gets FF 00 back', () => {
    const { transport, log } = setup('hixie-76', 'client');
    transport.peerSends(Buffer.from([0x00, 0x61, 0xff, 0xff, 0x00]));
    expect([...transport.output()]).toEqual([0xff, 0x00]);
    transport.closed();
    expect(log.map((e) => e.map(String))).toEqual([
      ['message', 'a', 'false'],
      ['close', '1005', '', 'true'],
    ]);
  });

  it('hixie-76: a dropped TCP connection is 1006', () => {
    const { transport, log } = setup('hixie-76');
    transport.closed();
    expect(log).toEqual([['close', 1006, '', false]]);
  });

  it('hixie-75: close() ends TCP without writing; the peer FIN makes it clean (1005)', () => {
    const { conn, transport, log } = setup('hixie-75');
    conn.close();
    expect(transport.ended).toBe(true);
    expect(transport.written).toEqual([]);
    transport.peerEnds();
    transport.closed();
    expect(log).toEqual([['close', 1005, '', true]]);
  });

  it('hixie-75: a TCP end inside a frame is abnormal (1006) with TRUNCATED_FRAME', () => {
    const { transport, log } = setup('hixie-75');
    transport.peerSends(Buffer.from([0x00, 0x61]));
    transport.peerEnds();
    transport.closed();
    expect(log.find((e) => e[0] === 'error')?.[1]).toMatchObject({ fault: 'TRUNCATED_FRAME' });
    expect(log.at(-1)).toEqual(['close', 1006, '', false]);
  });

  it('hixie fault (frame too big) drops TCP with 1006', () => {
    const { conn, transport, open } = openOver('hixie-76', 'server', { maxPayload: 4, rng: OPTS.rng });
    open();
    const log: unknown[] = [];
    conn.on('error', (e) => log.push(e instanceof ProtocolFault ? e.fault : e));
    conn.on('close', (...a) => log.push(a));
    transport.peerSends(Buffer.from([0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66]));
    expect(transport.ended).toBe(true);
    transport.closed();
    expect(log).toEqual(['FRAME_TOO_BIG', [1006, '', false]]);
  });
});
