// Records every scenario (real peers and raw spec bytes on loopback) into fixtures/<draft>/<name>.trace.
// Usage: npx tsx scripts/record-peers.ts [NAME-FILTER]   (re-runnable; overwrites the traces it records)
import { DEFAULTS, recordOne, type TraceMeta, writeTrace } from './record-lib.js';
import { hixieScenarios } from './record-peers-hixie.js';
import { hybiScenarios } from './record-peers-hybi.js';
import type { Scenario, ServerKind } from './record-scenarios.js';
import { type PeerServer, startDriverServer, startWsServer } from './record-servers.js';

async function main(filter: string | undefined): Promise<number> {
  const servers: Record<ServerKind, PeerServer> = {
    ws: await startWsServer(),
    driver: await startDriverServer('websocket-driver'),
    driver070: await startDriverServer('websocket-driver-070'),
  };
  let failures = 0;
  try {
    const all: Scenario[] = [...hybiScenarios(), ...hixieScenarios()];
    for (const s of all) {
      const id = `${s.meta.draft}/${s.name}`;
      if (filter && !id.includes(filter)) continue;
      try {
        let extra: Partial<TraceMeta> | undefined;
        const rec = await recordOne(servers[s.server].port, async (port) => {
          extra = await s.run(port);
        });
        const file = writeTrace(s.name, { ...DEFAULTS, ...s.meta, ...extra } as TraceMeta, rec);
        process.stdout.write(`recorded ${file}\n`);
      } catch (err) {
        failures++;
        process.stderr.write(`FAILED ${id}: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  } finally {
    for (const s of Object.values(servers)) await s.close();
  }
  return failures === 0 ? 0 : 1;
}

main(process.argv[2]).then((code) => {
  process.exitCode = code;
});
