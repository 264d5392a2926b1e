// ws 8 server options -> wscompat's native createServer options: verifyClient's two arities, ws's
// handleProtocols(Set, req) and its default (the first offered subprotocol), limits, compression.
import type { IncomingMessage } from 'node:http';
import type {
  VerifyClientInfo as NativeInfo,
  ServerOptions as NativeServerOptions,
} from '../node/server-options.js';
import type {
  ServerOptions,
  VerifyClientCallbackAsync,
  VerifyClientCallbackSync,
  VerifyClientInfo,
} from './types.js';

/** ws's CLOSE_TIMEOUT: how long close() waits for the peer's close frame before destroying the socket. */
export const WS_CLOSE_TIMEOUT = 30_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** ws answers a refusal without a status with 401 (lib/websocket-server.js abortHandshake). */
function refusal(code: number | undefined, message: string | undefined) {
  return { status: code || 401, ...(message ? { reason: message } : {}) };
}

/** ws's verifyClient, sync (info) or async (info, cb), as a native verifyClient returning a Promise or a verdict. */
function adaptVerifyClient(
  verifyClient:
    | NonNullable<ServerOptions['verifyClient']>
    | VerifyClientCallbackAsync
    | VerifyClientCallbackSync,
) {
  return (native: NativeInfo) => {
    const info: VerifyClientInfo = {
      // ws reads Origin, or Sec-WebSocket-Origin for version 8; the native info applies the same rule.
      origin: native.origin as string,
      secure: native.secure,
      req: native.req,
    };
    if (verifyClient.length >= 2)
      return new Promise<boolean | { status: number; reason?: string }>((resolve) =>
        (verifyClient as VerifyClientCallbackAsync)(info, (ok, code, message) =>
          resolve(ok ? true : refusal(code, message)),
        ),
      );
    return (verifyClient as VerifyClientCallbackSync)(info) ? true : refusal(undefined, undefined);
  };
}

/** ws's handleProtocols gets a Set and may answer false; without one, ws picks the first offered. */
function adaptHandleProtocols(handleProtocols: ServerOptions['handleProtocols']) {
  return (offered: string[], req: IncomingMessage): string | undefined => {
    if (!handleProtocols) return offered[0];
    return handleProtocols(new Set(offered), req) || undefined;
  };
}

/**
 * The native options for the server behind a WebSocketServer: always `noServer`, since the adapter owns
 * the HTTP side (its own server for `port`, the user's for `server`) exactly as ws does.
 */
export function nativeServerOptions(options: ServerOptions): NativeServerOptions {
  const native: Mutable<NativeServerOptions> = {
    noServer: true,
    handleProtocols: adaptHandleProtocols(options.handleProtocols),
    closeTimeout: options.closeTimeout ?? WS_CLOSE_TIMEOUT,
  };
  if (options.verifyClient) native.verifyClient = adaptVerifyClient(options.verifyClient);
  if (options.maxPayload !== undefined) native.maxPayload = options.maxPayload;
  Object.assign(native, compressionOption(options.perMessageDeflate));
  return native;
}

/**
 * COMPRESSION FORWARDING (the one place): ws's `perMessageDeflate` goes to the native option of the same
 * name and shape. ws's server default is off, so only a truthy value is forwarded; on a build whose native
 * createServer lacks the option, the native option check rejects it with a TypeError naming it.
 */
export function compressionOption(value: ServerOptions['perMessageDeflate']): Record<string, unknown> {
  if (!value) return {};
  return { perMessageDeflate: value === true ? {} : value };
}
