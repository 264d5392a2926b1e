// Run by node:test (not vitest): `node --import tsx --test test/testing/node-test-suite.ts`, driven by
// node-test.test.ts. WSCOMPAT_EXTRA_TRACE adds a trace that must then fail the run.

import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type PeerServer, startWsServer } from '../../scripts/record-servers.js';
import { nodeTestReplay } from '../../src/testing/index.js';
import { ROOT } from '../replay/corpus-files.js';
import { type ServeProcess, startServe } from '../replay/serve-process.js';

const FIX = join(ROOT, 'fixtures');
const quick = { gapMs: 5, idleMs: 120 };

describe('against npm ws', () => {
  let ws: PeerServer;
  before(async () => {
    ws = await startWsServer();
  });
  after(() => ws.close());
  nodeTestReplay(test, join(FIX, 'hybi-10'), {
    target: () => `ws://127.0.0.1:${ws.port}/`,
    live: quick,
    root: ROOT,
  });
});

describe('against wscompat serve', () => {
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe(['--protocols', 'x-agreed-by-no-trace']);
  });
  after(() => serve.stop());
  nodeTestReplay(test, join(FIX, 'hixie-75'), {
    target: () => ({ host: '127.0.0.1', port: serve.port }),
    filter: (f) => f.serverProtocols.length === 0 && f.stream === 'compare' && f.varyHeaders.length === 0,
    live: quick,
    root: ROOT,
  });
});

describe('in-process', () => {
  const extra = process.env.WSCOMPAT_EXTRA_TRACE;
  nodeTestReplay(test, [join(FIX, 'hybi-07'), ...(extra ? [extra] : [])], { root: ROOT });
});
