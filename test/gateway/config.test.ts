// Gateway configuration: origins, path rewriting, forwarding headers, flag/file parsing and option validation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  parseDuration,
  parseListen,
  parseSize,
  readConfigFile,
  toGatewayOptions,
} from '../../src/gateway/config.js';
import { GatewayMetrics } from '../../src/gateway/metrics.js';
import { resolveOptions } from '../../src/gateway/options.js';
import { compileOriginRule, originMatcher } from '../../src/gateway/origin.js';
import { clientAddress, compileRewrites, forwardedFor, upstreamUrl } from '../../src/gateway/target.js';

const dir = mkdtempSync(join(tmpdir(), 'wscompat-gw-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('origin matching', () => {
  it('an empty list or * allows anything, including no origin', () => {
    expect(originMatcher([])(undefined)).toBe(true);
    expect(originMatcher(['*'])('http://evil.test')).toBe(true);
  });

  it('exact origins compare scheme, host and (default) port', () => {
    const ok = originMatcher(['https://app.example.com']);
    expect(ok('https://app.example.com')).toBe(true);
    expect(ok('https://APP.example.com:443')).toBe(true);
    expect(ok('http://app.example.com')).toBe(false);
    expect(ok('https://app.example.com:8443')).toBe(false);
    expect(ok(undefined)).toBe(false);
    expect(ok('null')).toBe(false);
  });

  it('bare hosts match any scheme; *.host matches subdomains only', () => {
    const ok = originMatcher(['tv.example.org', '*.example.com']);
    expect(ok('http://tv.example.org')).toBe(true);
    expect(ok('https://tv.example.org:8080')).toBe(true);
    expect(ok('http://a.b.example.com')).toBe(true);
    expect(ok('http://example.com')).toBe(false);
    expect(ok('http://badexample.com')).toBe(false);
    expect(ok('http://example.com.evil.test')).toBe(false);
  });

  it('refuses malformed patterns', () => {
    expect(() => compileOriginRule('http://')).toThrow(TypeError);
    expect(() => compileOriginRule('a b')).toThrow(TypeError);
  });
});

describe('upstream target', () => {
  const none = compileRewrites([]);
  it('forwards path and query, under the upstream path prefix', () => {
    expect(upstreamUrl(new URL('ws://b:9/'), '/chat?room=1', none).href).toBe('ws://b:9/chat?room=1');
    expect(upstreamUrl(new URL('ws://b:9/api'), '/chat?x', none).href).toBe('ws://b:9/api/chat?x');
    expect(upstreamUrl(new URL('ws://b:9/api/'), '/', none).href).toBe('ws://b:9/api');
    expect(upstreamUrl(new URL('wss://b/api?k=1'), '/s?x=2', none).href).toBe('wss://b/api/s?k=1&x=2');
  });

  it('applies the first matching rewrite rule', () => {
    const rules = compileRewrites([
      { from: '^/legacy(/.*)?$', to: '/v2$1' },
      { from: '^/', to: '/other/' },
    ]);
    expect(upstreamUrl(new URL('ws://b/'), '/legacy/room?q', rules).href).toBe('ws://b/v2/room?q');
    expect(upstreamUrl(new URL('ws://b/'), '/x', rules).href).toBe('ws://b/other/x');
    expect(() => compileRewrites([{ from: '(', to: '' }])).toThrow(TypeError);
  });

  it('X-Forwarded-For is appended only behind a trusted proxy', () => {
    expect(forwardedFor('1.2.3.4', '::ffff:127.0.0.1', false)).toBe('127.0.0.1');
    expect(forwardedFor('1.2.3.4', '127.0.0.1', true)).toBe('1.2.3.4, 127.0.0.1');
    expect(clientAddress('9.9.9.9, 10.0.0.1', '127.0.0.1', true)).toBe('9.9.9.9');
    expect(clientAddress('9.9.9.9', '127.0.0.1', false)).toBe('127.0.0.1');
  });
});

describe('flags and config file', () => {
  it('parses durations, sizes and listen addresses', () => {
    expect(parseDuration('30s', 'x')).toBe(30_000);
    expect(parseDuration('250ms', 'x')).toBe(250);
    expect(parseDuration(2, 'x')).toBe(2000);
    expect(parseDuration('5m', 'x')).toBe(300_000);
    expect(() => parseDuration('soon', 'x')).toThrow(ConfigError);
    expect(parseSize('64k', 'x')).toBe(65_536);
    expect(parseSize('1MiB', 'x')).toBe(1_048_576);
    expect(parseSize(1000, 'x')).toBe(1000);
    expect(() => parseSize('0', 'x')).toThrow(ConfigError);
    expect(() => parseSize('3 parsecs', 'x')).toThrow(ConfigError);
    expect(parseListen('0.0.0.0:8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseListen('[::1]:81')).toEqual({ host: '::1', port: 81 });
    expect(parseListen(':81')).toEqual({ host: '0.0.0.0', port: 81 });
    expect(parseListen('81')).toEqual({ host: '127.0.0.1', port: 81 });
    expect(() => parseListen('host:99999')).toThrow(ConfigError);
  });

  it('reads a config file and names unknown keys and wrong types', () => {
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({ listen: ':1', upstream: 'tcp://h:5900', maxPayload: '1k', quiet: true }),
    );
    const { options, quiet } = toGatewayOptions(readConfigFile(good));
    expect(quiet).toBe(true);
    expect(options).toMatchObject({ host: '0.0.0.0', port: 1, upstream: 'tcp://h:5900', maxPayload: 1024 });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ listen: ':1', uptsream: 'x' }));
    expect(() => readConfigFile(bad)).toThrow(/uptsream/);
    writeFileSync(bad, JSON.stringify({ allowOrigin: 'a.com' }));
    expect(() => readConfigFile(bad)).toThrow(/allowOrigin/);
    writeFileSync(bad, '{');
    expect(() => readConfigFile(bad)).toThrow(ConfigError);
    expect(() => readConfigFile(join(dir, 'missing.json'))).toThrow(ConfigError);
  });

  it('requires listen and upstream, and cert with key', () => {
    expect(() => toGatewayOptions({ upstream: 'ws://b' })).toThrow(/listen/);
    expect(() => toGatewayOptions({ listen: ':1' })).toThrow(/upstream/);
    expect(() => toGatewayOptions({ listen: ':1', upstream: 'ws://b', cert: 'c' })).toThrow(/cert and key/);
  });
});

describe('resolveOptions', () => {
  it('defaults every option', () => {
    const r = resolveOptions({ upstream: 'ws://127.0.0.1:1/x' });
    expect(r.upstream.kind).toBe('ws');
    expect(r).toMatchObject({ host: '127.0.0.1', port: 0, binaryToLegacy: 'close', highWaterMark: 1048576 });
    expect(r.maxConnections).toBe(Number.POSITIVE_INFINITY);
    expect(resolveOptions({ upstream: 'tcp://[::1]:5900' }).upstream).toEqual({
      kind: 'tcp',
      host: '::1',
      port: 5900,
    });
  });

  it('throws a TypeError naming the bad or unknown option', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ upstream: 'http://x' }, /upstream/],
      [{ upstream: 'tcp://x' }, /upstream/],
      [{ upstream: 'tcp://x:1/path' }, /upstream/],
      [{ upstream: 'ws://x', colour: 1 }, /colour/],
      [{ upstream: 'ws://x', binaryToLegacy: 'explode' }, /binaryToLegacy/],
      [{ upstream: 'ws://x', drafts: ['hybi-99'] }, /drafts/],
      [{ upstream: 'ws://x', highWaterMark: -1 }, /highWaterMark/],
      [{ upstream: 'ws://x', allowOrigins: ['bad origin'] }, /allowOrigin/],
      [{ upstream: 'ws://x', tls: { cert: 1, key: 'k' } }, /tls.cert/],
      [{ upstream: 'ws://x', metricsPath: 'metrics' }, /metricsPath/],
    ];
    for (const [o, re] of bad) expect(() => resolveOptions(o as never)).toThrow(re);
  });
});

describe('metrics', () => {
  it('renders every series in Prometheus text format', () => {
    const m = new GatewayMetrics();
    m.opened('hixie-76');
    m.opened('rfc6455');
    m.closed('rfc6455');
    m.message('client_to_upstream', 5);
    m.message('client_to_upstream', 7);
    m.rejected('origin');
    const text = m.render();
    expect(text).toContain('wscompat_gateway_connections_open{draft="hixie-76"} 1');
    expect(text).toContain('wscompat_gateway_connections_open{draft="rfc6455"} 0');
    expect(text).toContain('wscompat_gateway_connections_total{draft="rfc6455"} 1');
    expect(text).toContain('wscompat_gateway_messages_total{direction="client_to_upstream"} 2');
    expect(text).toContain('wscompat_gateway_bytes_total{direction="client_to_upstream"} 12');
    expect(text).toContain('wscompat_gateway_rejections_total{reason="origin"} 1');
    expect(text).toContain('# TYPE wscompat_gateway_connections_total counter');
    expect(m.openCount).toBe(1);
    for (const line of text.trimEnd().split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+\{\w+="[^"]*"\} \d+)$/);
  });
});
