// ws README, "Client authentication", in its verifyClient(info, cb) form (ws's asynchronous hook), unchanged
// but for the import (and port 0 on loopback plus an export for the test). The README leaves
// `authenticate` to the reader: here a token in the query, checked asynchronously as a session store would.
import { createServer } from 'http';
import { WebSocketServer } from 'wscompat/ws';

function authenticate(request, next) {
  const token = new URL(request.url, 'http://localhost').searchParams.get('token');
  setTimeout(() => next(token === 'secret' ? null : new Error('bad token'), token && `user-${token}`), 5);
}

const server = createServer();
const wss = new WebSocketServer({
  server,
  verifyClient: function verifyClient(info, cb) {
    authenticate(info.req, function next(err, client) {
      if (err || !client) {
        cb(false, 401, 'Unauthorized');
        return;
      }
      info.req.user = client;
      cb(true);
    });
  },
});

wss.on('connection', function connection(ws, request) {
  ws.on('error', console.error);

  ws.on('message', function message(data) {
    ws.send(`Received message ${data} from user ${request.user}`);
  });
});

server.listen(0, '127.0.0.1');

export { server, wss };
