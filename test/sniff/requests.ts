// Real handshake requests per draft, byte for byte, each with where it comes from (drafts.md §1, §2, §5; RFC 6455 §1.3).
import type { DraftId } from '../../src/core/types.js';

export interface Capture {
  readonly name: string;
  /** Where the bytes come from: a spec section, an issue quoting a browser, or the client library that sent them. */
  readonly source: string;
  readonly bytes: Buffer;
  readonly draft: DraftId;
}

const crlf = (lines: readonly string[]): Buffer => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

export const CAPTURES: readonly Capture[] = [
  {
    name: 'hixie-75 spec example',
    source: 'draft-hixie-thewebsocketprotocol-75 §1.2 as quoted in CocoaHTTPServer (drafts.md §1)',
    draft: 'hixie-75',
    bytes: crlf([
      'GET /demo HTTP/1.1',
      'Upgrade: WebSocket',
      'Connection: Upgrade',
      'Host: example.com',
      'Origin: http://example.com',
      'WebSocket-Protocol: sample',
    ]),
  },
  {
    name: 'hixie-75 Chrome 4, lower-cased names and a tab before a value',
    source:
      'Chrome 4 sent the spec lines (Chromium blog, Dec 2009); the casing and tab are legal (RFC 9110 §5.1, §5.5)',
    draft: 'hixie-75',
    bytes: crlf([
      'GET /ws?room=1 HTTP/1.1',
      'upgrade: WebSocket',
      'connection: Upgrade',
      'host: 127.0.0.1:8080',
      'origin:\thttp://127.0.0.1:8080',
      'Cookie: a=b',
    ]),
  },
  {
    name: 'hixie-76 spec example 1',
    source: 'draft-hixie-thewebsocketprotocol-76 §1.3 (drafts.md §2, vector H76-1)',
    draft: 'hixie-76',
    bytes: Buffer.concat([
      crlf([
        'GET /demo HTTP/1.1',
        'Host: example.com',
        'Connection: Upgrade',
        'Sec-WebSocket-Key2: 12998 5 Y3 1  .P00',
        'Sec-WebSocket-Protocol: sample',
        'Upgrade: WebSocket',
        'Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5',
        'Origin: http://example.com',
      ]),
      Buffer.from('^n:ds[4U', 'latin1'),
    ]),
  },
  {
    name: 'hixie-76 Safari 5.1.2',
    source:
      'TooTallNate/Java-WebSocket #63: the request Safari 5.1.2 (OS X 10.7.2) sent, key3 8D 07 19 5B F9 34 C6 49',
    draft: 'hixie-76',
    bytes: Buffer.concat([
      crlf([
        'GET / HTTP/1.1',
        'Upgrade: WebSocket',
        'Connection: Upgrade',
        'Host: localhost:843',
        'Origin: http://localhost:8888',
        'Cookie: SQLiteManager_currentLangue=2',
        'Sec-WebSocket-Key1: 23 1 +V2 61z9 5 P[t B|34vE',
        'Sec-WebSocket-Key2: 2  33 0w{z 55679 0',
      ]),
      Buffer.from('8d07195bf934c649', 'hex'),
    ]),
  },
  {
    name: 'hybi-07 Firefox 6.0.2',
    source:
      'ostinelli/misultin #102: Firefox 6.0.2 request (its odd "Connection: a, Upgrade" kept as posted)',
    draft: 'hybi-07',
    bytes: crlf([
      'GET /websocket HTTP/1.1',
      'Host: localhost',
      'Connection: a, Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Key: el8cYBMT/wMIHMCs8v2tjQ==',
      'Sec-WebSocket-Origin: http://localhost/',
      'Sec-WebSocket-Version: 7',
    ]),
  },
  {
    name: 'hybi-10 Chrome 14 dev, no space after the colons',
    source:
      'vti/protocol-websocket #6: Chrome dev (Jul 2011) sent "Sec-WebSocket-Version:8" and "Upgrade:websocket"; WebKit hybi-10 header order; key borrowed from the Chrome 21 capture',
    draft: 'hybi-10',
    bytes: crlf([
      'GET /chat HTTP/1.1',
      'Upgrade:websocket',
      'Connection:Upgrade',
      'Host:localhost:3000',
      'Sec-WebSocket-Origin:http://localhost:3000',
      'Sec-WebSocket-Key:k7VQuOSUfgI+BwKHflysZQ==',
      'Sec-WebSocket-Version:8',
    ]),
  },
  {
    name: 'hybi-10 ws 8.23.0 protocolVersion 8',
    source:
      'captured on loopback from npm ws 8.23.0, new WebSocket(url, ["chat"], { protocolVersion: 8, origin })',
    draft: 'hybi-10',
    bytes: crlf([
      'GET /chat?x=1 HTTP/1.1',
      'Sec-WebSocket-Version: 8',
      'Sec-WebSocket-Key: PBGOiZDVv1F1qaajMeAXtA==',
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits',
      'Sec-WebSocket-Protocol: chat',
      'Sec-WebSocket-Origin: http://example.com',
      'Host: 127.0.0.1:33169',
    ]),
  },
  {
    name: 'hybi-10 WebSocket-Node 1.0.35 webSocketVersion 8',
    source: 'captured on loopback from npm websocket 1.0.35, new client({ webSocketVersion: 8 })',
    draft: 'hybi-10',
    bytes: crlf([
      'GET /chat?x=1 HTTP/1.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Version: 8',
      'Sec-WebSocket-Key: Z64DEfSfqIDCvhUx44NqvA==',
      'Host: 127.0.0.1:33169',
      'Sec-WebSocket-Origin: http://example.com',
    ]),
  },
  {
    name: 'RFC 6455 §1.3 example',
    source: 'RFC 6455 §1.3',
    draft: 'rfc6455',
    bytes: crlf([
      'GET /chat HTTP/1.1',
      'Host: server.example.com',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Origin: http://example.com',
      'Sec-WebSocket-Protocol: chat, superchat',
      'Sec-WebSocket-Version: 13',
    ]),
  },
  {
    name: 'rfc6455 ws 8.23.0',
    source: 'captured on loopback from npm ws 8.23.0, new WebSocket(url, ["chat"], { origin })',
    draft: 'rfc6455',
    bytes: crlf([
      'GET /chat?x=1 HTTP/1.1',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: Hzk64J1V8w9Tss524kffew==',
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits',
      'Sec-WebSocket-Protocol: chat',
      'Origin: http://example.com',
      'Host: 127.0.0.1:33169',
    ]),
  },
  {
    name: 'rfc6455 WebSocket-Node 1.0.35',
    source: 'captured on loopback from npm websocket 1.0.35, client.connect(url, "echo-protocol", origin)',
    draft: 'rfc6455',
    bytes: crlf([
      'GET /chat?x=1 HTTP/1.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: Y3dmXJtUgw/UPU+e4nm6HA==',
      'Host: 127.0.0.1:33169',
      'Sec-WebSocket-Protocol: echo-protocol',
      'Origin: http://example.com',
    ]),
  },
  {
    name: 'rfc6455 websocket-driver 0.8.0 client (no Origin)',
    source: 'captured on loopback from npm websocket-driver 0.8.0, driver.client(url)',
    draft: 'rfc6455',
    bytes: crlf([
      'GET /chat?x=1 HTTP/1.1',
      'Host: 127.0.0.1:33169',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: UvTemzROTuFmkKGYsYOVew==',
      'Sec-WebSocket-Version: 13',
    ]),
  },
  {
    name: 'rfc6455 Chrome 21',
    source: 'imanel/websocket-ruby #8: "the exact request Chrome [21.0.1180.57] is sending"',
    draft: 'rfc6455',
    bytes: crlf([
      'GET /timeinfo HTTP/1.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Host: localhost:1234',
      'Origin: http://localhost:1234',
      'Sec-WebSocket-Key: k7VQuOSUfgI+BwKHflysZQ==',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Extensions: x-webkit-deflate-frame',
    ]),
  },
  {
    name: 'rfc6455 Firefox 67, "keep-alive, Upgrade"',
    source:
      'cculianu/Fulcrum #36: Firefox 67 headers as posted (its request line showed "undefined"; HTTP/1.1 as sent elsewhere)',
    draft: 'rfc6455',
    bytes: crlf([
      'GET / HTTP/1.1',
      'Host: bch.loping.net:50004',
      'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:67.0) Gecko/20100101 Firefox/67.0',
      'Accept: */*',
      'Accept-Language: en-US,en;q=0.5',
      'Accept-Encoding: gzip, deflate, br',
      'Sec-WebSocket-Version: 13',
      'Origin: http://localhost:3000',
      'Sec-WebSocket-Extensions: permessage-deflate',
      'Sec-WebSocket-Key: K716Hio2iYwR9C1xVpronw==',
      'Connection: keep-alive, Upgrade',
      'Pragma: no-cache',
      'Cache-Control: no-cache',
      'Upgrade: websocket',
    ]),
  },
];
