// Encoding of the event, send and header values inside a fixture's key: value lines.
import type { ExpectedEvent, ScriptedSend } from './fixture.js';

/** `-` stands for no bytes so empty payloads stay visible. */
export function hexOrDash(bytes: Uint8Array): string {
  return bytes.length === 0 ? '-' : Buffer.from(bytes).toString('hex');
}

function parseHexOrDash(text: string): Buffer | string {
  if (text === '-') return Buffer.alloc(0);
  if (!/^([0-9a-f]{2})+$/.test(text))
    return `expected lower-case hex bytes or '-', got ${JSON.stringify(text)}`;
  return Buffer.from(text, 'hex');
}

function parseJsonString(text: string): string | { error: string } {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'string') return v;
  } catch {
    // fall through to the error below
  }
  return { error: `expected a JSON string, got ${text.slice(0, 40)}` };
}

export function formatEvent(e: ExpectedEvent | ScriptedSend): string {
  switch (e.type) {
    case 'text':
      return `text ${JSON.stringify(e.data.toString('utf8'))}`;
    case 'binary':
    case 'ping':
    case 'pong':
      return `${e.type} ${hexOrDash(e.data)}`;
    case 'close':
      if (e.code === undefined) return 'close';
      return e.reason === undefined ? `close ${e.code}` : `close ${e.code} ${JSON.stringify(e.reason)}`;
    case 'fail':
      return `fail ${e.fault} ${e.closeCode}`;
  }
}

/** Parse `text "..."`, `binary 0102`, `close 1000 "bye"`, `fail NAME 1002`; returns an error string on failure. */
export function parseEvent(text: string): ExpectedEvent | ScriptedSend | string {
  const m = /^(text|binary|ping|pong|close|fail)(?: (.*))?$/.exec(text);
  if (!m) return `unknown event ${JSON.stringify(text.slice(0, 40))}`;
  const type = m[1] as 'text' | 'binary' | 'ping' | 'pong' | 'close' | 'fail';
  const rest = m[2] ?? '';
  if (type === 'text') {
    const s = parseJsonString(rest);
    return typeof s === 'string' ? { type, data: Buffer.from(s, 'utf8') } : s.error;
  }
  if (type === 'binary' || type === 'ping' || type === 'pong') {
    const data = parseHexOrDash(rest);
    return typeof data === 'string' ? data : { type, data };
  }
  if (type === 'fail') {
    const f = /^([A-Z0-9_]+) (\d{4})$/.exec(rest);
    return f ? { type, fault: f[1]!, closeCode: Number(f[2]) } : 'expected "fail FAULT_NAME CODE"';
  }
  if (rest === '') return { type: 'close' };
  const c = /^(\d{4})(?: (".*"))?$/.exec(rest);
  if (!c) return 'expected "close [CODE [\\"reason\\"]]"';
  if (c[2] === undefined) return { type: 'close', code: Number(c[1]) };
  const reason = parseJsonString(c[2]);
  return typeof reason === 'string' ? { type: 'close', code: Number(c[1]), reason } : reason.error;
}
