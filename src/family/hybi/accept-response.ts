// The RFC 6455 §4.2.2 101 answer from a cached template: only the accept value (and a chosen subprotocol)
// differ between handshakes, so no header list is built and serialised for each one.

const HEAD =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ';

/**
 * The 101 head, ending in the blank line. `protocol` and `extensions` are '' for none; every value was
 * checked by then (base64 accept value, a token echoed from the offer, our own extension answer), so none
 * can break the head.
 */
export function switchingProtocols(accept: string, protocol: string, extensions = ''): Buffer {
  let head = HEAD + accept;
  if (protocol !== '') head += `\r\nSec-WebSocket-Protocol: ${protocol}`;
  if (extensions !== '') head += `\r\nSec-WebSocket-Extensions: ${extensions}`;
  return Buffer.from(`${head}\r\n\r\n`, 'latin1');
}
