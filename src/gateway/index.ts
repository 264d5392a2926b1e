// The gateway's public surface: createGateway and its option, log and metric types.
export { ConfigError, readConfigFile, toGatewayOptions } from './config.js';
export { createGateway, Gateway } from './gateway.js';
export type { LogRecord, RejectReason } from './log.js';
export type { GatewayOptions } from './options.js';
export type { BinaryToLegacy } from './policy.js';
export type { RewriteRule } from './target.js';
