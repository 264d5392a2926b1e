// `npm run bench` options that change what is measured: the application heap every server child holds.
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_HEAP_MIB, parseArgs } from '../../bench/lib/args.js';
import { holdAppHeap } from '../../bench/net/app-heap.js';

describe('bench arguments', () => {
  it('--app-heap defaults to 32 MiB, takes 0 for none, and refuses anything but a whole number', () => {
    expect(parseArgs([]).appHeapMiB).toBe(DEFAULT_APP_HEAP_MIB);
    expect(DEFAULT_APP_HEAP_MIB).toBe(32);
    expect(parseArgs(['--app-heap', '0']).appHeapMiB).toBe(0);
    expect(parseArgs(['--app-heap', '8', '--quick']).appHeapMiB).toBe(8);
    expect(() => parseArgs(['--app-heap', 'lots'])).toThrow(/whole number of MiB/);
    expect(() => parseArgs(['--app-heap', '-1'])).toThrow(/whole number of MiB/);
    expect(() => parseArgs(['--app-heap'])).toThrow(/whole number of MiB/);
  });

  it('holdAppHeap keeps about as much live heap as asked', () => {
    const before = process.memoryUsage().heapUsed;
    holdAppHeap(16);
    const grown = (process.memoryUsage().heapUsed - before) / (1024 * 1024);
    expect(grown).toBeGreaterThan(12);
    expect(grown).toBeLessThan(24);
    holdAppHeap(0);
  });
});
