// The page `wscompat serve` shows on GET /: opens a WebSocket back to the server, shows readyState, the
// draft and extensions (compression) the server negotiated, and echoes. Its script is ES5 using nothing newer than Safari 5 and the
// Android 4 browser have (no dataset, no hidden attribute, no bind): the devices this project exists for.
// test/cli/demo-page.test.ts parses it at ecmaVersion 5 and checks it against a list of newer APIs.

/**
 * A client that opens a URL with this query parameter (the page does) first gets one text message,
 * `wscompat-draft: <draft>`, then the plain echo. Without it the server only ever echoes, so echo tests
 * see exactly what they sent. WebSocket response headers are invisible to page scripts, hence a message.
 */
export const ANNOUNCE_PARAM = 'wscompat-draft';

const SCRIPT = `
(function () {
  var NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
  var ANNOUNCE = '${ANNOUNCE_PARAM}: ';
  var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/echo?${ANNOUNCE_PARAM}';
  var ws = null;
  var shown = -1;
  var announced = false;
  function $(id) { return document.getElementById(id); }
  function log(line) { $('log').appendChild(document.createTextNode(line + '\\n')); }
  function showState() {
    if (!ws || ws.readyState === shown) return;
    shown = ws.readyState;
    setText('state', shown + ' ' + NAMES[shown]);
    document.body.setAttribute('data-ready-state', String(shown));
    log('readyState ' + shown + ' ' + NAMES[shown]);
  }
  function setText(id, text) {
    var el = $(id);
    while (el.firstChild) el.removeChild(el.firstChild);
    el.appendChild(document.createTextNode(text));
  }
  function onMessage(e) {
    var data = String(e.data);
    if (!announced && data.indexOf(ANNOUNCE) === 0) {
      announced = true;
      setText('draft', data.substring(ANNOUNCE.length));
      document.body.setAttribute('data-draft', data.substring(ANNOUNCE.length));
      return;
    }
    log('echo: ' + data);
    var item = document.createElement('span');
    item.className = 'echo';
    item.style.display = 'none';
    item.appendChild(document.createTextNode(data));
    document.body.appendChild(item);
  }
  function onClose(e) {
    showState();
    var code = e && e.code !== undefined ? e.code : '(no code)';
    log('close ' + code + (e && e.reason ? ' ' + e.reason : '') + (e && e.wasClean ? ' (clean)' : ''));
  }
  function open() {
    shown = -1;
    announced = false;
    setText('draft', '-');
    setText('extensions', '-');
    ws = new WebSocket(url);
    setText('url', url);
    showState();
    ws.onopen = function () {
      showState();
      // Older engines have no extensions attribute: they negotiate none.
      var ext = ws.extensions ? String(ws.extensions) : 'none';
      setText('extensions', ext);
      document.body.setAttribute('data-extensions', ext);
    };
    ws.onmessage = onMessage;
    ws.onerror = function () { log('error'); };
    ws.onclose = onClose;
  }
  function closeSocket(code, reason) {
    if (!ws) return;
    // Hixie-era close() takes no arguments; some builds throw on them.
    try { ws.close(code, reason); } catch (err) { ws.close(); }
    showState();
  }
  if (!window.WebSocket) {
    setText('url', 'this browser has no WebSocket');
    return;
  }
  $('form').onsubmit = function (e) {
    if (e && e.preventDefault) e.preventDefault();
    if (ws && ws.readyState === 1) { ws.send($('text').value); log('sent: ' + $('text').value); }
    showState();
    return false;
  };
  $('reconnect').onclick = function () { if (ws) ws.close(); open(); };
  $('close').onclick = function () { closeSocket(1000, 'bye'); };
  setInterval(showState, 100);
  open();
})();
`;

/** Self-contained HTML+JS (no external resources), safe to serve as-is. */
export function demoPage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wscompat echo demo</title>
<style>
  body { font: 15px/1.4 Helvetica, Arial, sans-serif; max-width: 44em; margin: 2em auto; padding: 0 1em; }
  #state, #draft { font-weight: bold; }
  #log { background: #f4f4f4; padding: 8px; min-height: 8em; white-space: pre-wrap; font-family: monospace; }
  input { width: 70%; }
</style>
</head>
<body>
<h1>wscompat echo</h1>
<p>WebSocket: <span id="url"></span><br>
draft: <span id="draft">-</span> &mdash; readyState <span id="state">-</span><br>
compression: <span id="extensions">-</span></p>
<form id="form" action="#"><input id="text" value="hello" autocomplete="off"> <button>send</button></form>
<p><button id="reconnect" type="button">reconnect</button> <button id="close" type="button">close</button></p>
<div id="log"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** The page's script alone, for the checks that parse it. */
export function demoScript(): string {
  return SCRIPT;
}
