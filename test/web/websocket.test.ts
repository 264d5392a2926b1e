// The WHATWG WebSocket against wscompat's server over loopback: a sample of the Web Platform Tests'
// websockets/ behaviour that needs no browser (file names of the WPT cases in the test names).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseEvent, WebSocket } from '../../src/index.js';
import type { WsServer } from '../../src/node/server.js';
import { createServer } from '../../src/node/server.js';
import { closeServer, listening } from '../node/helpers.js';

let server: WsServer;
let base: string;
const closesSeen: [number, string][] = [];
beforeAll(async () => {
  server = createServer(
    { port: 0, handleProtocols: (p) => (p.includes('echo') ? 'echo' : undefined) },
    (conn) => {
      conn.on('message', (data, isBinary) => {
        if (String(data) === 'close-me') conn.close(4000, 'server bye');
        else conn.send(data, { binary: isBinary });
      });
      conn.on('close', (code, reason) => closesSeen.push([code, reason]));
    },
  );
  base = `ws://127.0.0.1:${await listening(server)}`;
});
afterAll(() => closeServer(server));

function next<T extends Event>(ws: WebSocket, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event`)), 5000);
    ws.addEventListener(
      type,
      (e) => {
        clearTimeout(timer);
        resolve(e as T);
      },
      { once: true },
    );
  });
}

async function opened(url = `${base}/`, protocols?: string | string[]): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols);
  await next(ws, 'open');
  return ws;
}

function expectDOMException(fn: () => unknown, name: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe(name);
    return;
  }
  throw new Error(`expected a ${name}`);
}

describe('constructor (Create-*.any.js)', () => {
  it('Create-invalid-urls / Create-non-absolute-url / Create-url-with-space: SyntaxError', () => {
    for (const url of [
      'ws://foo bar.com/',
      'wss://foo bar.com/',
      'ftp://example.com/',
      'mailto:a@b',
      'about:blank',
      '/echo',
      '?test',
      'test',
    ])
      expectDOMException(() => new WebSocket(url), 'SyntaxError');
  });

  it('Create-url-with-fragment (#, and an empty fragment): SyntaxError', () => {
    expectDOMException(() => new WebSocket(`${base}/#frag`), 'SyntaxError');
    expectDOMException(() => new WebSocket(`${base}/#`), 'SyntaxError');
  });

  it('Create-protocol-with-space / -non-ascii / -empty / Create-protocols-repeated: SyntaxError', () => {
    for (const protocols of ['ec ho', 'ec\u00e9ho', '', ['echo', 'echo'], ['a', 'b,c']])
      expectDOMException(() => new WebSocket(`${base}/`, protocols), 'SyntaxError');
  });

  it('Create-protocols-repeated-case-insensitive: different case is no repeat', async () => {
    const ws = await opened(`${base}/`, ['echo', 'eCho']);
    expect(ws.protocol).toBe('echo');
    ws.close();
  });

  it('Create-http-urls: http: and https: map to ws: and wss:', () => {
    const ws = new WebSocket(`${base.replace('ws:', 'http:')}/x?y`);
    expect(ws.url).toBe(`${base}/x?y`);
    ws.close();
  });

  it('constants, defaults and readyState CONNECTING (constructor, readyState/*)', () => {
    const ws = new WebSocket(`${base}/`);
    expect([WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([ws.readyState, ws.protocol, ws.extensions, ws.bufferedAmount, ws.binaryType]).toEqual([
      0,
      '',
      '',
      0,
      'blob',
    ]);
    expect([ws.onopen, ws.onmessage, ws.onerror, ws.onclose]).toEqual([null, null, null, null]);
    ws.close();
  });
});

describe('send (Send-*.any.js)', () => {
  it('Send-before-open: InvalidStateError', () => {
    const ws = new WebSocket(`${base}/`);
    expectDOMException(() => ws.send('x'), 'InvalidStateError');
    ws.close();
  });

  it('Send-data / Send-0byte-data / Send-unicode-data / Send-65K-data echo as strings', async () => {
    const ws = await opened();
    for (const text of ['Message to send', '', '¥¥¥¥¥¥', 'x'.repeat(65_000)]) {
      ws.send(text);
      expect((await next<MessageEvent>(ws, 'message')).data).toBe(text);
    }
    ws.close();
  });

  it('Send-binary-blob / -arraybuffer / -arraybufferview, by binaryType', async () => {
    const ws = await opened();
    ws.send(new Blob([new Uint8Array([1, 2, 3])]));
    const blob = (await next<MessageEvent>(ws, 'message')).data;
    expect(blob).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await (blob as Blob).arrayBuffer())]).toEqual([1, 2, 3]);
    ws.binaryType = 'arraybuffer';
    ws.send(new Uint8Array([9, 8, 7, 6]).subarray(1, 3));
    const data = (await next<MessageEvent>(ws, 'message')).data;
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([8, 7]);
    ws.close();
  });

  it('a Blob does not let later messages overtake it', async () => {
    const ws = await opened();
    const got: unknown[] = [];
    ws.onmessage = (e) => got.push((e as MessageEvent).data);
    ws.send(new Blob(['first']));
    ws.send('second');
    await new Promise((r) => setTimeout(r, 100));
    expect(got.length).toBe(2);
    expect(await (got[0] as Blob).text()).toBe('first');
    expect(got[1]).toBe('second');
    ws.close();
  });

  it('binaryType-wrong-value: ignored', () => {
    const ws = new WebSocket(`${base}/`);
    (ws as { binaryType: string }).binaryType = 'notBlobOrArrayBuffer';
    expect(ws.binaryType).toBe('blob');
    ws.close();
  });

  it('bufferedAmount-unchanged / Send-after-close: no throw, bytes counted, nothing sent', async () => {
    const ws = await opened();
    ws.close();
    const before = ws.bufferedAmount;
    ws.send('12345');
    ws.send(new Uint8Array(3));
    expect(ws.bufferedAmount - before).toBe(8);
  });
});

describe('close (Close-*.any.js)', () => {
  it('Close-1005 / Close-2999-reason / Close-1001 / Close-NaN / Close-Infinity: InvalidAccessError', () => {
    const ws = new WebSocket(`${base}/`);
    for (const code of [1001, 1005, 1011, 2999, 5000, Number.NaN, Number.POSITIVE_INFINITY, 0])
      expectDOMException(() => ws.close(code), 'InvalidAccessError');
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    ws.close();
  });

  it('Close-reason-124Bytes: SyntaxError; 123 bytes are fine', async () => {
    const ws = await opened();
    expectDOMException(() => ws.close(1000, 'x'.repeat(124)), 'SyntaxError');
    expectDOMException(() => ws.close(1000, 'é'.repeat(62)), 'SyntaxError');
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close(1000, 'x'.repeat(123));
    const e = await next<CloseEvent>(ws, 'close');
    expect([e.code, e.wasClean]).toEqual([1000, true]);
  });

  it('Close-readyState-Closing / Close-1000-reason: CLOSING at once, CLOSED with a clean close event', async () => {
    const ws = await opened();
    ws.close(3000, 'done');
    expect(ws.readyState).toBe(WebSocket.CLOSING);
    const e = await next<CloseEvent>(ws, 'close');
    expect(e).toBeInstanceOf(CloseEvent);
    // The server's reply echoes our code and reason (docs/api.md "Close reporting").
    expect([ws.readyState, e.code, e.reason, e.wasClean]).toEqual([WebSocket.CLOSED, 3000, 'done', true]);
    await new Promise((r) => setTimeout(r, 20));
    expect(closesSeen.at(-1)).toEqual([3000, 'done']);
  });

  it('Close-undefined: no code, so the server sees 1005', async () => {
    const ws = await opened();
    ws.close(undefined);
    await next(ws, 'close');
    await new Promise((r) => setTimeout(r, 20));
    expect(closesSeen.at(-1)?.[0]).toBe(1005);
  });

  it('Close-reason-unpaired-surrogates: replaced by U+FFFD, not refused', async () => {
    const ws = await opened();
    ws.close(1000, 'a\uD807b');
    await next(ws, 'close');
    await new Promise((r) => setTimeout(r, 20));
    expect(closesSeen.at(-1)).toEqual([1000, 'a\uFFFDb']);
  });

  it('Close-Connecting: close() while CONNECTING fails it: CLOSING, then error, then close 1006', async () => {
    const ws = new WebSocket(`${base}/`);
    const events: string[] = [];
    ws.onerror = (e) => events.push(e.type);
    ws.onclose = (e) => events.push(`${e.type}:${(e as CloseEvent).code}:${(e as CloseEvent).wasClean}`);
    ws.onopen = () => events.push('open');
    ws.close();
    expect(ws.readyState).toBe(WebSocket.CLOSING);
    await next(ws, 'close');
    expect(events).toEqual(['error', 'close:1006:false']);
  });

  it('Close-server-initiated-close: code and reason from the server, clean', async () => {
    const ws = await opened();
    ws.send('close-me');
    const e = await next<CloseEvent>(ws, 'close');
    expect([e.code, e.reason, e.wasClean, ws.readyState]).toEqual([
      4000,
      'server bye',
      true,
      WebSocket.CLOSED,
    ]);
  });

  it('an unreachable server: error, then close 1006 unclean', async () => {
    const ws = new WebSocket('ws://127.0.0.1:1/');
    const events: string[] = [];
    ws.addEventListener('error', () => events.push('error'));
    const e = await next<CloseEvent>(ws, 'close');
    expect([events, e.code, e.wasClean]).toEqual([['error'], 1006, false]);
  });
});

describe('options.draft', () => {
  it('speaks hixie-76 to the same server, text in both directions', async () => {
    const ws = new WebSocket(`${base}/`, [], { draft: 'hixie-76' });
    await next(ws, 'open');
    ws.send('old browser');
    expect((await next<MessageEvent>(ws, 'message')).data).toBe('old browser');
    ws.close();
    const e = await next<CloseEvent>(ws, 'close');
    expect(e.wasClean).toBe(true);
  });
});
