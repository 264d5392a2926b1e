// `npx tsx bench/instructions.ts [count]`: server instructions per opening handshake under callgrind, which
// counts the same whatever else the machine runs. Slow (valgrind runs node ~50x slower): not part of `npm run bench`.
// Each server runs twice, for `count` and for 3 x `count` upgrades; the difference divided by 2 x `count`
// cancels start-up and JIT warm-up.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from './lib/child.js';
import type { HandshakeConfig } from './net/handshake-client.js';
import { runClient } from './net/parent.js';

type Case = { impl: 'wscompat' | 'ws'; draft: 'rfc6455' | 'hixie-76' };
const CASES: readonly Case[] = [
  { impl: 'wscompat', draft: 'rfc6455' },
  { impl: 'ws', draft: 'rfc6455' },
  { impl: 'wscompat', draft: 'hixie-76' },
];

/** Total instructions (callgrind's `totals:` line) of one server process serving `count` upgrades. */
async function instructions(c: Case, count: number): Promise<number> {
  const out = join(tmpdir(), `wscompat-cg-${process.pid}-${c.impl}-${c.draft}-${count}.out`);
  const wrapper = ['valgrind', '--tool=callgrind', `--callgrind-out-file=${out}`, '--smc-check=all-non-file'];
  const server = new Child('../net/server-main.ts', { impl: c.impl }, {}, [], wrapper);
  try {
    const port = (await server.expect('ready', 600_000)).port as number;
    const config: HandshakeConfig = {
      port,
      draft: c.draft,
      concurrency: 4,
      warmupMs: 0,
      measureMs: 0,
      count,
      timeoutMs: 900_000,
    };
    await runClient('../net/handshake-client.ts', config, 1_800_000);
    server.send({ type: 'exit' });
    await server.exited;
    const totals = /^totals:\s+(\d+)/m.exec(readFileSync(out, 'utf8'));
    if (!totals) throw new Error(`no totals line in ${out}`);
    return Number(totals[1]);
  } finally {
    await server.stop();
    rmSync(out, { force: true });
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 300);
  const per: Record<string, number> = {};
  for (const c of CASES) {
    const small = await instructions(c, count);
    const large = await instructions(c, 3 * count);
    per[`${c.impl} ${c.draft}`] = (large - small) / (2 * count);
    console.log(
      `${c.impl} ${c.draft}: ${Math.round(per[`${c.impl} ${c.draft}`]!).toLocaleString('en-US')} instructions per upgrade`,
    );
  }
  const ws = per['ws rfc6455'];
  if (ws !== undefined)
    for (const [key, v] of Object.entries(per))
      console.log(`${key}: ${(v / ws).toFixed(2)}x ws's instructions per RFC 6455 upgrade`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
