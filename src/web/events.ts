// CloseEvent (HTML "The CloseEvent interface"), which Node 20 lacks as a global; MessageEvent and Event
// are Node's own.

export interface CloseEventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
  wasClean?: boolean;
  code?: number;
  reason?: string;
}

export class CloseEvent extends Event {
  readonly wasClean: boolean;
  readonly code: number;
  readonly reason: string;

  constructor(type: string, init: CloseEventInit = {}) {
    super(type, init);
    this.wasClean = init.wasClean ?? false;
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
  }
}
