// The option and event types of wscompat/ws, shaped after @types/ws 8 so code typed against `ws` compiles.
import type {
  Agent,
  ClientRequest,
  ClientRequestArgs,
  Server as HttpServer,
  IncomingMessage,
  OutgoingHttpHeaders,
} from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { createConnection } from 'node:net';
import type { SecureContextOptions } from 'node:tls';

/** What 'message' listeners receive, by binaryType: Buffer, ArrayBuffer or Buffer[] ('fragments'). */
export type RawData = Buffer | ArrayBuffer | Buffer[];
export type Data = string | Buffer | ArrayBuffer | Buffer[];
export type BinaryType = 'nodebuffer' | 'arraybuffer' | 'fragments';
export type CertMeta = string | string[] | Buffer | Buffer[];

/** What send() accepts (numbers are sent as their decimal text, as ws does). */
export type SendableData = string | number | Buffer | ArrayBuffer | ArrayBufferView | SharedArrayBuffer;

/** permessage-deflate parameters, as ws takes them (forwarded to wscompat's native option). */
export interface PerMessageDeflateOptions {
  serverNoContextTakeover?: boolean | undefined;
  clientNoContextTakeover?: boolean | undefined;
  serverMaxWindowBits?: number | undefined;
  clientMaxWindowBits?: number | undefined;
  zlibDeflateOptions?: Record<string, unknown> | undefined;
  zlibInflateOptions?: Record<string, unknown> | undefined;
  threshold?: number | undefined;
  concurrencyLimit?: number | undefined;
}

export interface VerifyClientInfo<Request extends IncomingMessage = IncomingMessage> {
  /** `Origin`, or `Sec-WebSocket-Origin` for protocol version 8. */
  origin: string;
  secure: boolean;
  req: Request;
}
export type VerifyClientCallbackSync<Request extends IncomingMessage = IncomingMessage> = (
  info: VerifyClientInfo<Request>,
) => boolean;
export type VerifyClientCallbackAsync<Request extends IncomingMessage = IncomingMessage> = (
  info: VerifyClientInfo<Request>,
  callback: (res: boolean, code?: number, message?: string, headers?: OutgoingHttpHeaders) => void,
) => void;

export interface ServerOptions {
  host?: string | undefined;
  port?: number | undefined;
  backlog?: number | undefined;
  server?: HttpServer | HttpsServer | undefined;
  /**
   * ws's hook, either form: `(info) => boolean`, or `(info, cb) => void` calling `cb(ok, code?, message?)`.
   * One signature (rather than @types/ws's union) so that both forms get their parameter types inferred;
   * the sync form's return value is read for truthiness, as ws does.
   */
  verifyClient?:
    | ((
        info: VerifyClientInfo,
        callback: (res: boolean, code?: number, message?: string, headers?: OutgoingHttpHeaders) => void,
      ) => unknown)
    | undefined;
  handleProtocols?: ((protocols: Set<string>, request: IncomingMessage) => string | false) | undefined;
  path?: string | undefined;
  noServer?: boolean | undefined;
  clientTracking?: boolean | undefined;
  perMessageDeflate?: boolean | PerMessageDeflateOptions | undefined;
  maxPayload?: number | undefined;
  skipUTF8Validation?: boolean | undefined;
  autoPong?: boolean | undefined;
  closeTimeout?: number | undefined;
  /** Accepted for compatibility; see docs/migrating-from-ws.md. */
  allowSynchronousEvents?: boolean | undefined;
  maxBufferedChunks?: number | undefined;
  maxFragments?: number | undefined;
  maxPendingAutoPongs?: number | undefined;
}

export type FinishRequestCallback = (request: ClientRequest, websocket: unknown) => void;

export interface ClientOptions extends SecureContextOptions {
  protocol?: string | undefined;
  followRedirects?: boolean | undefined;
  generateMask?(mask: Buffer): void;
  handshakeTimeout?: number | undefined;
  maxRedirects?: number | undefined;
  perMessageDeflate?: boolean | PerMessageDeflateOptions | undefined;
  localAddress?: string | undefined;
  /** 13 (RFC 6455, the default) or 8 (hybi-08..12). */
  protocolVersion?: number | undefined;
  headers?: { [key: string]: string } | undefined;
  origin?: string | undefined;
  agent?: Agent | undefined;
  host?: string | undefined;
  family?: number | undefined;
  checkServerIdentity?(servername: string, cert: CertMeta): boolean;
  rejectUnauthorized?: boolean | undefined;
  allowSynchronousEvents?: boolean | undefined;
  autoPong?: boolean | undefined;
  maxPayload?: number | undefined;
  maxBufferedChunks?: number | undefined;
  maxFragments?: number | undefined;
  skipUTF8Validation?: boolean | undefined;
  createConnection?: typeof createConnection | undefined;
  finishRequest?: FinishRequestCallback | undefined;
  closeTimeout?: number | undefined;
}

export type AnyClientOptions = ClientOptions | ClientRequestArgs;
