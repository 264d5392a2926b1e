// An Express app with a WebSocket endpoint on the same HTTP server, as ws's examples/express-session-parse
// sets it up (session handling left out): unchanged ws code but for the import (and port 0 on loopback
// plus an export for the test).
import express from 'express';
import { createServer } from 'http';
import { WebSocketServer } from 'wscompat/ws';

const app = express();

app.use(express.json());
app.get('/health', (req, res) => {
  res.send({ result: 'OK', clients: wss.clients.size });
});

const server = createServer(app);
const wss = new WebSocketServer({ server, path: '/chat' });

wss.on('connection', function connection(ws, req) {
  ws.on('error', console.error);

  ws.on('message', function message(data) {
    ws.send(JSON.stringify({ echo: data.toString(), path: req.url }));
  });

  ws.send(JSON.stringify({ hello: req.headers['user-agent'] ?? 'anonymous' }));
});

server.listen(0, '127.0.0.1');

export { app, server, wss };
