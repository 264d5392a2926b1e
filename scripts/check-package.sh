#!/usr/bin/env bash
# The package as a user gets it: `npm pack` (prepack builds), install the tarball into a scratch project
# outside the repo, then use it the four ways a user would: ESM import, CJS require, strict TypeScript
# against the shipped types, and the `wscompat` bin. Needs no registry: the package has no runtime deps.
# A new subpath export gets its import in the check files below, as wscompat/ws and wscompat/testing have.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/wscompat-pack-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
version="$(node -p "require('$repo/package.json').version")"

echo "check-package: npm pack"
tarball="$(cd "$repo" && npm pack --silent --pack-destination "$scratch" | tail -1)"
tgz="$scratch/$tarball"
listing="$(tar -tzf "$tgz")"
for want in dist/index.js dist/index.cjs dist/index.d.ts dist/index.d.cts dist/cli/main.js \
  dist/ws.js dist/ws.cjs dist/ws.d.ts dist/ws.d.cts dist/testing/index.js dist/testing/index.d.ts \
  dist/testing/index.cjs dist/testing/index.d.cts \
  LICENSE README.md docs/api.md docs/architecture.md docs/gateway.md docs/performance.md; do
  grep -qx "package/$want" <<<"$listing" || { echo "check-package: $want missing from $tarball"; exit 1; }
done
# Every doc the README links to is in the tarball.
for doc in $(grep -o '](docs/[^)#]*' "$repo/README.md" | sed 's/^](//' | sort -u); do
  grep -qx "package/$doc" <<<"$listing" || { echo "check-package: README links $doc, not in $tarball"; exit 1; }
done
if grep -E '^package/(src|test|bench|scripts)/|\.map$' <<<"$listing"; then
  echo "check-package: sources, tests or source maps in $tarball"; exit 1
fi
grep -q 'MIT License' <(tar -xzOf "$tgz" package/LICENSE) || { echo "check-package: LICENSE is not MIT"; exit 1; }

echo "check-package: install into $scratch/app"
mkdir "$scratch/app"
cd "$scratch/app"
echo '{ "name": "wscompat-pack-check", "version": "1.0.0", "private": true }' >package.json
npm install --offline --no-audit --no-fund --silent "$tgz"

# A server of every draft and a hixie-76 client, echoing once: the library works, not just loads.
smoke='
const server = createServer({ port: 0, host: "127.0.0.1" }, (conn) => {
  conn.on("message", (data) => conn.send(String(data)));
});
server.on("listening", () => {
  const ws = connect(`ws://127.0.0.1:${server.address().port}/`, { draft: "hixie-76" });
  ws.on("open", () => ws.send("pack check"));
  ws.on("message", (data) => {
    if (String(data) !== "pack check") throw new Error(`echo was ${data}`);
    ws.close();
    server.close(() => console.log(`${KIND}: ok`));
  });
});
'
{ echo 'import { connect, createServer } from "wscompat";'; echo 'const KIND = "esm import";'; echo "$smoke"; } >check.mjs
{ echo 'const { connect, createServer } = require("wscompat");'; echo 'const KIND = "cjs require";'; echo "$smoke"; } >check.cjs
test "$(node check.mjs)" = "esm import: ok"
test "$(node check.cjs)" = "cjs require: ok"
echo "check-package: ESM import and CJS require, each a hixie-76 echo: ok"

# wscompat/ws as a `ws` user has it: a WebSocketServer and a WebSocket client, echoing once.
ws_smoke='
const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
wss.on("connection", (ws) => ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary })));
wss.on("listening", () => {
  const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}/`);
  ws.on("open", () => ws.send("ws check"));
  ws.on("message", (data) => {
    if (String(data) !== "ws check" || ws.readyState !== WebSocket.OPEN) throw new Error(`echo was ${data}`);
    ws.close();
    wss.close(() => console.log(`${KIND}: ok`));
  });
});
'
{ echo 'import { WebSocket, WebSocketServer } from "wscompat/ws";'; echo 'await import("wscompat/testing");'; echo 'const KIND = "wscompat/ws import";'; echo "$ws_smoke"; } >check-ws.mjs
{ echo 'const WebSocket = require("wscompat/ws");'; echo 'const { WebSocketServer } = WebSocket;'; echo 'if (typeof require("wscompat/testing").jestReplay !== "function") throw new Error("no CJS wscompat/testing");'; echo 'const KIND = "wscompat/ws require";'; echo "$ws_smoke"; } >check-ws.cjs
test "$(node check-ws.mjs)" = "wscompat/ws import: ok"
test "$(node check-ws.cjs)" = "wscompat/ws require: ok"
echo "check-package: wscompat/ws (ESM and CJS) echo, wscompat/testing import and require: ok"

# Strict TypeScript against the shipped .d.ts (ESM) and .d.cts (CJS); @types/node from the repo.
cat >tsconfig.json <<JSON
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext",
    "target": "es2022", "skipLibCheck": false, "exactOptionalPropertyTypes": true,
    "typeRoots": ["$repo/node_modules/@types"], "types": ["node"]
  },
  "files": ["check.mts", "check.cts"]
}
JSON
types='
const server: WsServer = createServer({ port: 0 }, (conn: Connection) => {
  const draft: DraftId = conn.draft;
  conn.send(draft);
});
server.close();
// @ts-expect-error: a port is a number; the types are real, not any
createServer({ port: "8080" });
'
{
  echo 'import { type Connection, createServer, type DraftId, type WsServer } from "wscompat";'
  echo 'import { WebSocket as WsClient, WebSocketServer } from "wscompat/ws";'
  echo "$types"
  echo 'const wss: WebSocketServer = new WebSocketServer({ noServer: true });'
  echo 'const open: number = WsClient.OPEN;'
  echo 'wss.close(); void open;'
} >check.mts
{ echo 'import wscompat = require("wscompat");'; echo 'type Connection = wscompat.Connection; type DraftId = wscompat.DraftId; type WsServer = wscompat.WsServer;'; echo 'const { createServer } = wscompat;'; echo "$types"; } >check.cts
"$repo/node_modules/.bin/tsc" -p tsconfig.json
echo "check-package: tsc --noEmit (strict, ESM and CJS types): ok"

got="$(npm_config_yes=false npx wscompat --version)"
test "$got" = "$version" || { echo "check-package: npx wscompat --version printed '$got', want $version"; exit 1; }
echo "check-package: npx wscompat --version: $got"
echo "check-package: ok ($tarball, $(wc -c <"$tgz") bytes)"
