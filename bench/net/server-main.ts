// Child process: one echo server; answers `mem` requests with its RSS after a full GC.
import { childConfig, childMain, toParent } from '../lib/child.js';
import { holdAppHeap } from './app-heap.js';
import { type Compress, loadAllLibraries, type ServerImpl, startServer } from './servers.js';

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 100));
}

childMain(async () => {
  const { impl, compress, appHeapMiB, pieces } = childConfig<{
    impl: ServerImpl;
    compress?: Compress;
    appHeapMiB?: number;
    pieces?: boolean;
  }>();
  await loadAllLibraries();
  holdAppHeap(appHeapMiB ?? 0);
  const server = await startServer(impl, compress ?? false, pieces === true);
  process.on('message', async (msg: { type: string }) => {
    // `exit` ends the process cleanly, so `--cpu-prof` gets to write its profile.
    if (msg.type === 'exit') process.exit(0);
    // Process CPU time (user + system), which other processes' load does not inflate the way wall time is.
    if (msg.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      toParent({ type: 'cpu', us: user + system });
      return;
    }
    if (msg.type !== 'mem') return;
    // Two collections, with a turn between, so weak and finalizable objects are gone too.
    globalThis.gc?.();
    await settle();
    globalThis.gc?.();
    const mem = process.memoryUsage();
    toParent({ type: 'mem', rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external });
  });
  toParent({ type: 'ready', port: server.port });
});
