// The demo page runs on the browsers wscompat exists for: ES5 syntax, no API newer than Safari 5 or the
// Android 4 browser, a viewport for phones, and the draft the server names shown apart from the echoes.
import { type Node, parse } from 'acorn';
import { describe, expect, it } from 'vitest';
import { parseServeArgs, startServe } from '../../src/cli/commands/serve.js';
import { ANNOUNCE_PARAM, demoPage, demoScript } from '../../src/cli/demo-page.js';
import type { DraftId } from '../../src/core/types.js';
import { connect } from '../../src/node/client.js';
import { closeServer, once } from '../node/helpers.js';

/**
 * Names of APIs that Safari 5.0/5.1 or the Android 4.0 browser lack (or that came later than both):
 * a member or global use of any of them fails the page there.
 */
const TOO_NEW = [
  'dataset',
  'classList',
  'hidden',
  'bind',
  'Promise',
  'fetch',
  'requestAnimationFrame',
  'Map',
  'Set',
  'WeakMap',
  'Symbol',
  'Proxy',
  'TextEncoder',
  'TextDecoder',
  'Blob',
  'ArrayBuffer',
  'Uint8Array',
  'binaryType',
  'assign',
  'includes',
  'startsWith',
  'endsWith',
  'padStart',
  'repeat',
  'append',
  'prepend',
  'remove',
  'closest',
  'matches',
  'localStorage',
  'URL',
  'URLSearchParams',
  'performance',
];

function names(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) names(n, out);
  else if (node && typeof node === 'object') {
    const n = node as Node & { name?: string };
    if (n.type === 'Identifier' && n.name) out.add(n.name);
    for (const value of Object.values(n)) if (value && typeof value === 'object') names(value, out);
  }
  return out;
}

describe('the demo page', () => {
  it('is ES5: acorn at ecmaVersion 5 parses its script, and rejects ES2015 (the check can fail)', () => {
    expect(() => parse(demoScript(), { ecmaVersion: 5 })).not.toThrow();
    expect(() => parse('let x = () => 1;', { ecmaVersion: 5 })).toThrow();
    // The script in the served page is exactly the one checked.
    expect(demoPage()).toContain(`<script>${demoScript()}</script>`);
  });

  it('uses no API newer than Safari 5 / Android 4', () => {
    const used = names(parse(demoScript(), { ecmaVersion: 5 }), new Set());
    expect(TOO_NEW.filter((n) => used.has(n))).toEqual([]);
    // The same walk sees members: a page using one would be caught.
    const probe = names(parse('document.body.dataset.x = el.classList;', { ecmaVersion: 5 }), new Set());
    expect(TOO_NEW.filter((n) => probe.has(n))).toEqual(['dataset', 'classList']);
    // No attribute the old engines ignore is relied on either.
    expect(demoPage()).not.toMatch(/\shidden[\s>=]/);
  });

  it('has a viewport meta tag and a doctype old engines take as standards mode', () => {
    const page = demoPage();
    expect(page).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it.each(['hixie-75', 'hixie-76', 'hybi-07', 'hybi-10', 'rfc6455'] as const)(
    'serve names the negotiated draft (%s) to a client that asks, then echoes',
    async (draft: DraftId) => {
      const settings = parseServeArgs(['--port', '0'], {});
      if (settings === 'help') throw new Error('unexpected help');
      const { server, url } = await startServe(settings);
      try {
        const asking = connect(`${url}echo?${ANNOUNCE_PARAM}`, { draft });
        const first = once<[Buffer, boolean]>(asking, 'message');
        await once(asking, 'open');
        expect(String((await first)[0])).toBe(`${ANNOUNCE_PARAM}: ${draft}`);
        const echo = once<[Buffer, boolean]>(asking, 'message');
        asking.send('hi');
        expect(String((await echo)[0])).toBe('hi');
        asking.terminate();
        // Without the parameter: only the echo.
        const plain = connect(`${url}echo`, { draft });
        await once(plain, 'open');
        const reply = once<[Buffer, boolean]>(plain, 'message');
        plain.send('only this');
        expect(String((await reply)[0])).toBe('only this');
        plain.terminate();
      } finally {
        await closeServer(server);
      }
    },
  );
});
