// The one test file a user adds: every trace of the corpus their server should speak, one vitest test each.
// Run it with `npx vitest run examples/express-ws` (docs/testing.md).
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { vitestReplay } from 'wscompat/testing';
import { type App, startApp } from './app.js';

const CORPUS = join(import.meta.dirname, '..', '..', 'fixtures');

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

vitestReplay(it, [join(CORPUS, 'rfc6455'), join(CORPUS, 'hybi-10')], {
  target: () => app.url,
  // ws speaks RFC 6455 and hybi-08..12 only, hence the two folders. It refuses an unknown version with
  // 400 where the corpus pins wscompat's 426 (drafts.md §6): that trace is reported as skipped.
  filter: (trace) => !trace.file.includes('bad-version-25'),
  live: { gapMs: 5, idleMs: 120 },
});
