// PROXY protocol header parsing against the examples and limits of HAProxy's proxy-protocol.txt.
import { describe, expect, it } from 'vitest';
import { parseProxyHeader, V1_MAX } from '../../src/core/proxy-protocol.js';

const SIG = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

function v2(cmd: number, fam: number, body: Buffer): Buffer {
  const head = Buffer.from([0x20 | cmd, fam, 0, 0]);
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([SIG, head, body]);
}

describe('PROXY v1', () => {
  it('reads TCP4 and TCP6 lines and says how long the header was', () => {
    const line = 'PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n';
    const r = parseProxyHeader(Buffer.from(`${line}GET / HTTP/1.1\r\n`));
    expect(r).toEqual({
      status: 'done',
      header: { kind: 'proxied', address: '192.168.0.1', port: 56324, family: 'IPv4' },
      length: line.length,
    });
    expect(parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::1 2001:db8::2 4000 80\r\n'))).toMatchObject({
      header: { address: '2001:db8::1', port: 4000, family: 'IPv6' },
    });
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toMatchObject({ header: { kind: 'local' } });
  });

  it('waits for the rest of a split line, refuses bad or overlong ones', () => {
    expect(parseProxyHeader(Buffer.from('PRO'))).toEqual({ status: 'need-more' });
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3.4'))).toEqual({ status: 'need-more' });
    expect(parseProxyHeader(Buffer.from(`PROXY TCP4 ${'1'.repeat(V1_MAX)}`))).toMatchObject({
      status: 'error',
    });
    for (const bad of [
      'GET / HTTP/1.1\r\n',
      'PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n',
      'PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n',
      'PROXY TCP4 1.2.3.400 5.6.7.8 1 2\r\n',
      'PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n',
    ])
      expect(parseProxyHeader(Buffer.from(bad))).toMatchObject({ status: 'error' });
  });
});

describe('PROXY v2', () => {
  const ipv4 = Buffer.from([10, 0, 0, 1, 10, 0, 0, 2, 0x1f, 0x90, 0x00, 0x50]);
  it('reads PROXY over TCP4 and TCP6, skipping TLVs, leaving the client bytes after it', () => {
    const tlv = Buffer.from([0x04, 0x00, 0x03, 0x61, 0x62, 0x63]);
    const header = v2(1, 0x11, Buffer.concat([ipv4, tlv]));
    const r = parseProxyHeader(Buffer.concat([header, Buffer.from('GET')]));
    expect(r).toEqual({
      status: 'done',
      header: { kind: 'proxied', address: '10.0.0.1', port: 8080, family: 'IPv4' },
      length: header.length,
    });
    const src = Buffer.from('20010db8000000000000000000000001', 'hex');
    const mapped = Buffer.from('00000000000000000000ffff7f000001', 'hex');
    const ports = Buffer.from([0x30, 0x39, 0x00, 0x50]);
    expect(parseProxyHeader(v2(1, 0x21, Buffer.concat([src, src, ports])))).toMatchObject({
      header: { address: '2001:db8::1', port: 12345, family: 'IPv6' },
    });
    expect(parseProxyHeader(v2(1, 0x21, Buffer.concat([mapped, src, ports])))).toMatchObject({
      header: { address: '::ffff:127.0.0.1' },
    });
  });

  it('LOCAL (health checks) and UNSPEC carry no client address', () => {
    expect(parseProxyHeader(v2(0, 0x00, Buffer.alloc(0)))).toEqual({
      status: 'done',
      header: { kind: 'local' },
      length: 16,
    });
    expect(parseProxyHeader(v2(1, 0x00, Buffer.alloc(0)))).toMatchObject({ header: { kind: 'local' } });
  });

  it('waits for the whole block, and refuses a wrong version, command, short or oversized block', () => {
    const whole = v2(1, 0x11, ipv4);
    for (let n = 1; n < whole.length; n++)
      expect(parseProxyHeader(whole.subarray(0, n))).toEqual({ status: 'need-more' });
    const wrongVersion = Buffer.from(whole);
    wrongVersion[12] = 0x11;
    const wrongCommand = Buffer.from(whole);
    wrongCommand[12] = 0x22;
    const huge = Buffer.concat([SIG, Buffer.from([0x21, 0x11, 0xff, 0xff])]);
    for (const bad of [wrongVersion, wrongCommand, v2(1, 0x11, ipv4.subarray(0, 8)), huge])
      expect(parseProxyHeader(bad)).toMatchObject({ status: 'error' });
  });
});
