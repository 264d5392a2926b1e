// ws README, "Multiple servers sharing a single HTTP/S server", unchanged but for the import (and, per the
// test rules, port 0 on loopback plus an export so the test finds the port). The README's "// ..." bodies
// greet the client so the test can tell the two servers apart.
import { createServer } from 'http';
import { WebSocketServer } from 'wscompat/ws';

const server = createServer();
const wss1 = new WebSocketServer({ noServer: true });
const wss2 = new WebSocketServer({ noServer: true });

wss1.on('connection', function connection(ws) {
  ws.on('error', console.error);

  // ...
  ws.send('foo');
});

wss2.on('connection', function connection(ws) {
  ws.on('error', console.error);

  // ...
  ws.send('bar');
});

server.on('upgrade', function upgrade(request, socket, head) {
  const { pathname } = new URL(request.url, 'wss://base.url');

  if (pathname === '/foo') {
    wss1.handleUpgrade(request, socket, head, function done(ws) {
      wss1.emit('connection', ws, request);
    });
  } else if (pathname === '/bar') {
    wss2.handleUpgrade(request, socket, head, function done(ws) {
      wss2.emit('connection', ws, request);
    });
  } else {
    socket.destroy();
  }
});

server.listen(0, '127.0.0.1');

export { server, wss1, wss2 };
