// ws README, "Server broadcast" (a client broadcasting to every connected client, itself included),
// unchanged but for the import (and port 0 on loopback plus an export for the test).
import WebSocket, { WebSocketServer } from 'wscompat/ws';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });

wss.on('connection', function connection(ws) {
  ws.on('error', console.error);

  ws.on('message', function message(data, isBinary) {
    wss.clients.forEach(function each(client) {
      if (client.readyState === WebSocket.OPEN) {
        client.send(data, { binary: isBinary });
      }
    });
  });
});

export { wss };
