// Run by jest (not vitest), from jest.test.ts: CommonJS, as jest runs test files by default, requiring
// the CJS build of wscompat/testing that jest.test.ts bundles to WSCOMPAT_TESTING_CJS. Every hybi-10
// trace is replayed against a real npm `ws` server; WSCOMPAT_EXTRA_TRACE adds a trace that must fail.
const { join } = require('node:path');
const { WebSocketServer } = require('ws');
const { jestReplay } = require(process.env.WSCOMPAT_TESTING_CJS);

const ROOT = join(__dirname, '../..');
let wss;
let port;

beforeAll(
  () =>
    new Promise((resolve) => {
      wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
      wss.on('connection', (ws) => {
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        ws.on('error', () => undefined);
      });
      wss.on('listening', () => {
        port = wss.address().port;
        resolve();
      });
    }),
);

afterAll(
  () =>
    new Promise((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    }),
);

const traces = [join(ROOT, 'fixtures/hybi-10')];
if (process.env.WSCOMPAT_EXTRA_TRACE) traces.push(process.env.WSCOMPAT_EXTRA_TRACE);

describe('against npm ws', () => {
  jestReplay(test, traces, {
    target: () => `ws://127.0.0.1:${port}/`,
    live: { gapMs: 5, idleMs: 120 },
    root: ROOT,
  });
});
