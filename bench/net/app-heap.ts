// The application around a server, as far as V8's garbage collector can tell: live objects on the JS heap.
//
// V8 (Node 20) schedules full collections from the old generation's size, and a bare echo server's heap is
// far smaller than any application's. Measured on the 64 KiB echo (bench/net/echo-client.ts, 3.5 s): `ws`
// alone ran 1 mark-compact; `ws` with 2.4 MB more live objects, or with wscompat's modules loaded, ran 60-95
// (about one per scavenge, under the ArrayBuffer churn of 64 KiB messages) at half the messages/s; with
// 9.5 MB or 38 MB more it ran 1 again. Which side of that band a toy process lands on depends on how much
// code its library loads, not on how it handles messages. Every server child holds the same heap, so each
// implementation runs where an application would.

/** Read by nothing: holding the reference is the point. */
export let held: unknown[] = [];
let configured = 0;

/** Set once by the entry point (`--app-heap`), before any child starts. */
export function setAppHeap(mib: number): void {
  configured = mib;
}

/** What server and parser children are told to hold. */
export function appHeapMiB(): number {
  return configured;
}

/** Keeps about `mib` MiB of small objects and strings alive for the life of the process. */
export function holdAppHeap(mib: number): void {
  // About 76 bytes per record on 64-bit V8 (object, boxed number, short string).
  const records = Math.round((mib * 1024 * 1024) / 76);
  held = Array.from({ length: records }, (_, i) => ({ id: i, name: `record ${i}` }));
}
