// Loads wscompat from src/ at run time, so the harness runs (and reports "unavailable") before every part has landed.
import { pathToFileURL } from 'node:url';
import type { Codec, DraftId, Rng, Role } from '../../src/core/types.js';

/** The slice of docs/api.md the benchmarks use. */
export interface WscompatCodecApi {
  getDraft(id: DraftId): { createCodec(role: Role, options: { maxPayload: number; rng: Rng }): Codec };
}

export interface BenchConnection {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: 'messageParts', listener: (parts: Buffer[]) => void): unknown;
  on(event: 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  send(data: Buffer, options: { binary: boolean }): boolean;
  sendParts(pieces: readonly Buffer[]): boolean;
  receiveParts: boolean;
  terminate(): void;
}

export interface BenchServer {
  on(event: 'listening', listener: () => void): unknown;
  on(event: 'connection', listener: (conn: BenchConnection) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  address(): { port: number } | string | null;
  close(cb?: () => void): void;
}

export interface WscompatNodeApi {
  createServer(options: Record<string, unknown>): BenchServer;
}

const root = new URL('../../src/', import.meta.url);

async function load(file: string): Promise<Record<string, unknown>> {
  // A computed specifier keeps tsc from resolving modules that other engineers have not written yet.
  const spec = pathToFileURL(new URL(file, root).pathname).href;
  return (await import(spec)) as Record<string, unknown>;
}

export async function loadCodecApi(): Promise<WscompatCodecApi> {
  const mod = await load('drafts.ts');
  if (typeof mod.getDraft !== 'function') throw new Error('src/drafts.ts has no getDraft');
  return mod as unknown as WscompatCodecApi;
}

export async function loadNodeApi(): Promise<WscompatNodeApi> {
  let mod: Record<string, unknown>;
  try {
    mod = await load('index.ts');
  } catch {
    mod = await load('node/index.ts');
  }
  if (typeof mod.createServer !== 'function') throw new Error('wscompat exports no createServer');
  return mod as unknown as WscompatNodeApi;
}
