// How the differential ws tests print what a listener observed, so ws's and wscompat/ws's compare as equal data.

/** Buffers as hex, errors as class:code:message, HTTP requests and responses by their first line. */
export function show(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return `buf:${v.toString('hex')}`;
  if (v instanceof Error) {
    const code = (v as { code?: unknown }).code;
    const kind = v instanceof RangeError ? 'RangeError' : v instanceof SyntaxError ? 'SyntaxError' : 'Error';
    return `${kind}:${String(code)}:${v.message}`;
  }
  if (typeof v === 'object' && v !== null && 'method' in v && 'path' in v)
    return `req:${String(v.method)} ${String(v.path)}`;
  if (typeof v === 'object' && v !== null && 'statusCode' in v)
    return `res:${(v as { statusCode: number }).statusCode}`;
  return v;
}
