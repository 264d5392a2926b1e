// issue 11 item 2: close codes are mapped, never thrown. Before, an upstream closing 1008-1011, dying or
// exceeding maxPayload while a hybi-07/hybi-10 client was connected made the whole gateway exit with
// UsageError INVALID_CLOSE_CODE (1007-1011 do not exist on those drafts). Now each client gets its draft's
// nearest code (connection/close-codes.ts) and the gateway keeps serving.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftId } from '../../src/core/types.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import {
  closed,
  closeGateway,
  echoUpstream,
  open,
  roundTrip,
  startGateway,
  type Upstream,
} from './helpers.js';

const MAX_PAYLOAD = 4096;

/** What the upstream does on each command, and what a hybi-07 / hybi-10 client must see. */
const CASES: readonly { command: string; 'hybi-07': number; 'hybi-10': number; rfc6455: number }[] = [
  { command: 'close 1007', 'hybi-07': 1002, 'hybi-10': 1007, rfc6455: 1007 },
  { command: 'close 1008', 'hybi-07': 1003, 'hybi-10': 1003, rfc6455: 1008 },
  { command: 'close 1009', 'hybi-07': 1004, 'hybi-10': 1004, rfc6455: 1009 },
  { command: 'close 1010', 'hybi-07': 1002, 'hybi-10': 1002, rfc6455: 1010 },
  { command: 'close 1011', 'hybi-07': 1001, 'hybi-10': 1001, rfc6455: 1011 },
  // The upstream vanishing or breaking maxPayload is 1011 "upstream connection ended" (policy.ts).
  { command: 'die', 'hybi-07': 1001, 'hybi-10': 1001, rfc6455: 1011 },
  { command: 'too big', 'hybi-07': 1001, 'hybi-10': 1001, rfc6455: 1011 },
];

describe('upstream closes with codes the client draft lacks', () => {
  let upstream: Upstream;
  let gw: Gateway;
  let url: string;
  beforeAll(async () => {
    upstream = await echoUpstream({
      handle: (ws) =>
        ws.on('message', (data) => {
          const text = String(data);
          if (text.startsWith('close ')) ws.close(Number(text.slice(6)), 'upstream says so');
          else if (text === 'die') ws.terminate();
          else if (text === 'too big') ws.send(Buffer.alloc(MAX_PAYLOAD + 1));
          else ws.send(text);
        }),
    });
    ({ gw, url } = await startGateway({ upstream: upstream.url, maxPayload: MAX_PAYLOAD }));
  });
  afterAll(async () => {
    await closeGateway(gw);
    await upstream.close();
  });

  for (const draft of ['hybi-07', 'hybi-10', 'rfc6455'] as const)
    for (const c of CASES)
      it(`${draft}: ${c.command} reaches the client as ${c[draft]}, and the gateway keeps serving`, async () => {
        const conn = await open(url, draft);
        const end = closed(conn);
        conn.send(c.command);
        expect((await end).code).toBe(c[draft]);
        expect(await roundTrip(url, draft, 'still here')).toBe('still here');
      });
});

describe('TCP mode: a text message that is not base64', () => {
  let tcp: Server;
  const sockets: Socket[] = [];
  let gw: Gateway;
  let url: string;
  beforeAll(async () => {
    tcp = createServer((s) => {
      sockets.push(s);
      s.pipe(s);
    }).listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    const { port } = tcp.address() as import('node:net').AddressInfo;
    ({ gw, url } = await startGateway({ upstream: `tcp://127.0.0.1:${port}` }));
  });
  afterAll(async () => {
    await closeGateway(gw);
    for (const s of sockets) s.destroy();
    await new Promise((r) => tcp.close(r));
  });

  const expected: Record<'hybi-07' | 'hybi-10', number> = { 'hybi-07': 1002, 'hybi-10': 1007 };
  for (const draft of ['hybi-07', 'hybi-10'] as DraftId[])
    it(`${draft}: closed with its draft's code for 1007, and the gateway keeps serving`, async () => {
      const conn = await open(url, draft, { protocols: ['base64'] });
      const end = closed(conn);
      conn.send('*** not base64 ***');
      expect((await end).code).toBe(expected[draft as 'hybi-07' | 'hybi-10']);
      const again = await open(url, draft, { protocols: ['base64'] });
      const reply = new Promise<string>((r) => again.once('message', (d: Buffer) => r(String(d))));
      again.send(Buffer.from('ok').toString('base64'));
      expect(Buffer.from(await reply, 'base64').toString()).toBe('ok');
      again.close();
      await closed(again);
    });
});
