// The shape of one recorded scenario and shorthands for expected events.
import type { ExpectedEvent } from '../src/replay/fixture.js';
import type { TraceMeta } from './record-lib.js';

export type ServerKind = 'ws' | 'driver' | 'driver070';

export type Meta = Partial<TraceMeta> &
  Pick<TraceMeta, 'draft' | 'role' | 'source' | 'expectStatus' | 'expectEvents'>;

export interface Scenario {
  readonly name: string;
  readonly server: ServerKind;
  readonly meta: Meta;
  /** Drives the client against the recording proxy on `port`; may return meta only known afterwards (rng, url). */
  readonly run: (port: number) => Promise<Partial<TraceMeta> | undefined>;
}

export const text = (s: string): ExpectedEvent => ({ type: 'text', data: Buffer.from(s) });
export const binary = (b: Buffer): ExpectedEvent => ({ type: 'binary', data: b });
export const ping = (b: Buffer | string): ExpectedEvent => ({ type: 'ping', data: Buffer.from(b) });
export const close = (code: number, reason = ''): ExpectedEvent => ({ type: 'close', code, reason });
export const fail = (fault: string, closeCode: number): ExpectedEvent => ({ type: 'fail', fault, closeCode });

export const VERSIONS = { rfc6455: 13, 'hybi-10': 8, 'hybi-07': 7 } as const;
