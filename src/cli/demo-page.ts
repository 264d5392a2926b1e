// The page `wscompat serve` shows on GET /: opens a WebSocket back to the server, shows readyState and echoes.

/** Self-contained HTML+JS (no external resources), safe to serve as-is. */
export function demoPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>wscompat echo demo</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }
  #state { font-weight: bold; }
  #log { background: #f4f4f4; padding: .5rem; min-height: 8rem; white-space: pre-wrap; font-family: monospace; }
  input { width: 70%; }
</style>
</head>
<body>
<h1>wscompat echo</h1>
<p>WebSocket: <span id="url"></span> &mdash; readyState <span id="state">-</span></p>
<form id="form"><input id="text" value="hello" autocomplete="off"> <button>send</button></form>
<p><button id="reconnect" type="button">reconnect</button> <button id="close" type="button">close</button></p>
<div id="log" aria-live="polite"></div>
<script>
(() => {
  const NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/echo';
  const $ = (id) => document.getElementById(id);
  const log = (line) => { $('log').textContent += line + '\\n'; };
  let ws;
  let shown = -1;
  const showState = () => {
    if (!ws || ws.readyState === shown) return;
    shown = ws.readyState;
    $('state').textContent = shown + ' ' + NAMES[shown];
    document.body.dataset.readyState = String(shown);
    log('readyState ' + shown + ' ' + NAMES[shown]);
  };
  const open = () => {
    shown = -1;
    ws = new WebSocket(url);
    $('url').textContent = url;
    showState();
    ws.onopen = () => showState();
    ws.onmessage = (e) => {
      log('echo: ' + e.data);
      const item = document.createElement('span');
      item.className = 'echo';
      item.textContent = e.data;
      item.hidden = true;
      document.body.appendChild(item);
    };
    ws.onerror = () => log('error');
    ws.onclose = (e) => { showState(); log('close ' + e.code + (e.reason ? ' ' + e.reason : '') + (e.wasClean ? ' (clean)' : '')); };
  };
  $('form').onsubmit = (e) => {
    e.preventDefault();
    if (ws && ws.readyState === 1) { ws.send($('text').value); log('sent: ' + $('text').value); }
    showState();
  };
  $('reconnect').onclick = () => { if (ws) ws.close(); open(); };
  $('close').onclick = () => { if (ws) ws.close(1000, 'bye'); showState(); };
  setInterval(showState, 100);
  open();
})();
</script>
</body>
</html>
`;
}
