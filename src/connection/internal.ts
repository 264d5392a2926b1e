// Internal hooks between the Node layer and Connection: symbol-keyed so they stay off the public surface.

/** Open the connection over a transport: `conn[OPEN](setup)`. */
export const OPEN = Symbol('wscompat.open');
/** Fail a connection still CONNECTING (refused or broken handshake): `conn[HANDSHAKE_FAILED](err)`. */
export const HANDSHAKE_FAILED = Symbol('wscompat.handshakeFailed');
/** The Node client registers how to abort its pending handshake: `conn[SET_ABORT](fn)`. */
export const SET_ABORT = Symbol('wscompat.setAbort');
/** What the transport reports, as methods on the connection (no closures per connection): see TransportSink. */
export const ON_DATA = Symbol('wscompat.onData');
export const ON_END = Symbol('wscompat.onEnd');
export const ON_CLOSE = Symbol('wscompat.onClose');
export const ON_DRAIN = Symbol('wscompat.onDrain');
/**
 * The gateway relays a close end to end: `conn[HOLD_CLOSE_REPLY](onPeerClose)` makes the connection call
 * `onPeerClose(code, reason)` when the peer's close frame arrives and hold its automatic reply until
 * `close()` is called (or closeTimeout passes); messages may still be sent meanwhile (RFC 6455 §5.5.1).
 */
export const HOLD_CLOSE_REPLY = Symbol('wscompat.holdCloseReply');
/** Where exceptions thrown by this connection's listeners are reported: `conn[SET_LISTENER_ERRORS](fn)`. */
export const SET_LISTENER_ERRORS = Symbol('wscompat.setListenerErrors');
/** Bytes the connection's codec holds for incomplete frames and messages: `conn[HELD]`. */
export const HELD = Symbol('wscompat.held');
