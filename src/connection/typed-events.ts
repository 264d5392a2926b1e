// Per-event listener types for EventEmitter subclasses, as @types/ws declares them but without a string
// fallback: a misspelt event name or a listener of the wrong shape is a compile error.

/** Event name -> the listener's argument list. */
export type EventArgs = Record<string, unknown[]>;

/** The listener for event `K` of `Events`. */
export type Listener<Events extends EventArgs, K extends keyof Events> = (...args: Events[K]) => void;
