// The cached RFC 6455 §4.2.2 101 template gives the same bytes as serialising the header list would.
import { describe, expect, it } from 'vitest';
import { acceptValue } from '../../src/core/crypto.js';
import { serializeHead } from '../../src/core/http-head.js';
import type { HeaderLine } from '../../src/core/types.js';
import { switchingProtocols } from '../../src/family/hybi/accept-response.js';

describe('101 template', () => {
  it.each([
    ['', ''],
    ['chat', ''],
    ['', 'permessage-deflate; server_no_context_takeover'],
    ['v2.chat', 'permessage-deflate'],
  ])('protocol %j, extensions %j', (protocol, extensions) => {
    // RFC 6455 §1.3's example key and accept value.
    const accept = acceptValue('dGhlIHNhbXBsZSBub25jZQ==');
    expect(accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    const lines: HeaderLine[] = [
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Accept', accept],
      ['Sec-WebSocket-Protocol', protocol],
      ['Sec-WebSocket-Extensions', extensions],
    ];
    expect(switchingProtocols(accept, protocol, extensions).toString('latin1')).toBe(
      serializeHead('HTTP/1.1 101 Switching Protocols', lines).toString('latin1'),
    );
  });
});
