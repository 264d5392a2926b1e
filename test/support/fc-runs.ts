// FC_NUM_RUNS: how many cases each fast-check property tries. Unset, every property keeps the count its
// test chose (what CI runs); set, it applies to all of them, e.g. FC_NUM_RUNS=100000 npx vitest run test/hybi.

/** The run count for a property whose own default is `n`. */
export function runs(n: number): number {
  const raw = process.env.FC_NUM_RUNS;
  if (raw === undefined || raw === '') return n;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`FC_NUM_RUNS must be a positive integer, got '${raw}'`);
  return v;
}
