// The census as a text table and as one self-contained HTML page (inline CSS, an inline SVG chart).
import type { Census, Count } from './tally.js';

const SECTIONS: readonly [keyof Census, string][] = [
  ['drafts', 'Drafts'],
  ['extensions', 'Extensions offered'],
  ['subprotocols', 'Subprotocols'],
  ['userAgents', 'User agents'],
  ['origins', 'Origins'],
  ['refusals', 'Handshakes wscompat would refuse'],
];

/** Rows shown per section in the table (--json and --html carry them all). */
const TABLE_ROWS = 20;

function table(rows: readonly Count[]): string[] {
  if (rows.length === 0) return ['  (none)'];
  const shown = rows.slice(0, TABLE_ROWS);
  const width = Math.min(60, Math.max(...shown.map((r) => r.value.length)));
  const lines = shown.map((r) => {
    const v = r.value.length > width ? `${r.value.slice(0, width - 1)}…` : r.value.padEnd(width);
    return `  ${v}  ${String(r.count).padStart(7)}  ${r.firstSeen || '-'}  ${r.lastSeen || '-'}`;
  });
  if (rows.length > shown.length) lines.push(`  … ${rows.length - shown.length} more (see --json)`);
  return lines;
}

export function renderText(c: Census, sources: readonly string[]): string {
  const out = [
    `${c.handshakes} WebSocket handshakes in ${sources.join(', ')}; ${c.refused} would be refused`,
  ];
  for (const [key, title] of SECTIONS) {
    out.push('', `${title}:  (count, first seen, last seen)`, ...table(c[key] as readonly Count[]));
  }
  return `${out.join('\n')}\n`;
}

const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const COLORS: Record<string, string> = {
  rfc6455: '#2b7bb9',
  'hybi-10': '#4aa564',
  'hybi-07': '#9bbb3a',
  'hixie-76': '#e08a2c',
  'hixie-75': '#c8423b',
};

/** Stacked bars of handshakes per draft per time bucket. */
function chart(c: Census): string {
  const buckets = c.timeline.buckets;
  if (buckets.length === 0) return '<p>No timestamps: no chart.</p>';
  const drafts = c.drafts.map((d) => d.value);
  const W = 760;
  const H = 240;
  const pad = 40;
  const peak = Math.max(1, ...buckets.map((b) => Object.values(b.drafts).reduce((a, n) => a + n, 0)));
  const bw = (W - pad * 2) / buckets.length;
  const parts: string[] = [];
  for (const [i, b] of buckets.entries()) {
    let y = H - pad;
    for (const d of drafts) {
      const n = b.drafts[d] ?? 0;
      if (n === 0) continue;
      const h = ((H - pad * 2) * n) / peak;
      y -= h;
      parts.push(
        `<rect x="${(pad + i * bw + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[d] ?? '#888'}"><title>${html(`${b.start} ${d}: ${n}`)}</title></rect>`,
      );
    }
  }
  const axis = `<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#333"/>`;
  const labels = [
    `<text x="${pad}" y="${H - pad + 16}" font-size="11">${html(buckets[0]!.start)}</text>`,
    `<text x="${W - pad}" y="${H - pad + 16}" font-size="11" text-anchor="end">${html(buckets.at(-1)!.start)}</text>`,
    `<text x="${pad - 6}" y="${pad + 4}" font-size="11" text-anchor="end">${peak}</text>`,
  ];
  const legend = drafts.map(
    (d, i) =>
      `<rect x="${pad + i * 130}" y="8" width="12" height="12" fill="${COLORS[d] ?? '#888'}"/><text x="${pad + i * 130 + 16}" y="18" font-size="12">${html(d)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="handshakes per draft over time">${[axis, ...labels, ...legend, ...parts].join('')}</svg>`;
}

export function renderHtml(c: Census, sources: readonly string[]): string {
  const sections = SECTIONS.map(([key, title]) => {
    const rows = (c[key] as readonly Count[])
      .map(
        (r) =>
          `<tr><td>${html(r.value)}</td><td class="n">${r.count}</td><td>${html(r.firstSeen)}</td><td>${html(r.lastSeen)}</td></tr>`,
      )
      .join('');
    return `<h2>${title}</h2><table><tr><th>value</th><th>count</th><th>first seen</th><th>last seen</th></tr>${rows || '<tr><td colspan="4">(none)</td></tr>'}</table>`;
  }).join('\n');
  const minutes = c.timeline.bucketMs / 60_000;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>wscompat census</title>
<style>body{font:14px sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}.n{text-align:right}</style>
</head><body>
<h1>WebSocket client census</h1>
<p>${c.handshakes} handshakes in ${html(sources.join(', '))}; ${c.refused} would be refused by wscompat.</p>
<h2>Drafts over time${minutes > 0 ? ` (bars of ${minutes} min)` : ''}</h2>
${chart(c)}
${sections}
</body></html>
`;
}
