// `npx tsx bench/instructions.ts [count] [impl:draft ...]`: server instructions per opening handshake under
// callgrind, which counts the same whatever else the machine runs. Slow (valgrind runs node ~50x slower): not
// part of `npm run bench`. Each server first serves WARMUP x `count` upgrades uninstrumented (start-up, module
// loading and the JIT's compiles are left out), then callgrind counts exactly `count` more
// (`callgrind_control --instr=on/off`): what remains is the steady per-upgrade cost, GC included.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from './lib/child.js';
import type { HandshakeConfig } from './net/handshake-client.js';
import { runClient } from './net/parent.js';

/** Warm-up upgrades per measured one: fewer leave TurboFan compiles inside the measured window. */
const WARMUP = 8;

type Case = { impl: 'wscompat' | 'ws'; draft: 'rfc6455' | 'hixie-76' };
const CASES: readonly Case[] = [
  { impl: 'wscompat', draft: 'rfc6455' },
  { impl: 'ws', draft: 'rfc6455' },
  { impl: 'wscompat', draft: 'hixie-76' },
];

function upgrades(port: number, draft: Case['draft'], count: number): Promise<unknown> {
  const config: HandshakeConfig = {
    port,
    draft,
    concurrency: 4,
    warmupMs: 0,
    measureMs: 0,
    count,
    timeoutMs: 900_000,
  };
  return runClient('../net/handshake-client.ts', config, 1_800_000);
}

/** Instructions (callgrind's `totals:` line) one server spends on `count` upgrades, after its warm-up. */
async function instructions(c: Case, count: number): Promise<number> {
  // WSCOMPAT_CALLGRIND_DIR keeps each run's output there (per-function costs: callgrind_annotate).
  const keep = process.env.WSCOMPAT_CALLGRIND_DIR;
  const out = join(keep ?? tmpdir(), `wscompat-cg-${process.pid}-${c.impl}-${c.draft}-${count}.out`);
  const wrapper = [
    'valgrind',
    '--tool=callgrind',
    '--instr-atstart=no',
    `--callgrind-out-file=${out}`,
    '--smc-check=all-non-file',
  ];
  const server = new Child('../net/server-main.ts', { impl: c.impl }, {}, [], wrapper);
  try {
    const port = (await server.expect('ready', 600_000)).port as number;
    await upgrades(port, c.draft, WARMUP * count);
    const pid = String(server.proc.pid);
    execFileSync('callgrind_control', ['--instr=on', pid], { stdio: 'ignore' });
    await upgrades(port, c.draft, count);
    execFileSync('callgrind_control', ['--instr=off', pid], { stdio: 'ignore' });
    server.send({ type: 'exit' });
    await server.exited;
    const totals = /^totals:\s+(\d+)/m.exec(readFileSync(out, 'utf8'));
    if (!totals) throw new Error(`no totals line in ${out}`);
    return Number(totals[1]) / count;
  } finally {
    await server.stop();
    if (keep === undefined) rmSync(out, { force: true });
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 300);
  // Optional case names (`wscompat:hixie-76 ws:rfc6455`) pick cases; default all.
  const picked = process.argv.slice(3);
  const names = CASES.map((c) => `${c.impl}:${c.draft}`);
  const unknown = picked.filter((p) => !names.includes(p));
  if (unknown.length > 0) throw new Error(`unknown case ${unknown.join(', ')}; cases: ${names.join(' ')}`);
  const cases = picked.length === 0 ? CASES : CASES.filter((c) => picked.includes(`${c.impl}:${c.draft}`));
  const per: Record<string, number> = {};
  for (const c of cases) {
    const key = `${c.impl} ${c.draft}`;
    per[key] = await instructions(c, count);
    console.log(`${key}: ${Math.round(per[key]!).toLocaleString('en-US')} instructions per upgrade`);
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
