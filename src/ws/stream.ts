// ws 8's createWebSocketStream (lib/stream.js): a Duplex over a WebSocket, with ws's back-pressure
// (pause the socket while the readable side is full) and end/destroy rules.
import { Duplex, type DuplexOptions } from 'node:stream';
import type { WebSocket } from './websocket.js';

function duplexOnEnd(this: Duplex): void {
  if (!this.destroyed && this.writableFinished) this.destroy();
}

function duplexOnError(this: Duplex, err: Error): void {
  this.removeListener('error', duplexOnError);
  this.destroy();
  // Re-emitted for a user who listens only later, as ws does.
  if (this.listenerCount('error') === 0) this.emit('error', err);
}

export function createWebSocketStream(ws: WebSocket, options?: DuplexOptions): Duplex {
  let terminateOnDestroy = true;
  const duplex = new Duplex({
    ...options,
    autoDestroy: false,
    emitClose: false,
    objectMode: false,
    writableObjectMode: false,
  });
  ws.on('message', (msg, isBinary) => {
    const data = !isBinary && duplex.readableObjectMode ? String(msg) : msg;
    if (!duplex.push(data)) ws.pause();
  });
  ws.once('error', (err) => {
    if (duplex.destroyed) return;
    terminateOnDestroy = false;
    duplex.destroy(err);
  });
  ws.once('close', () => {
    if (!duplex.destroyed) duplex.push(null);
  });
  duplex._destroy = (err, callback) => {
    if (ws.readyState === ws.CLOSED) {
      callback(err);
      process.nextTick(() => duplex.emit('close'));
      return;
    }
    let called = false;
    ws.once('error', (e) => {
      called = true;
      callback(e);
    });
    ws.once('close', () => {
      if (!called) callback(err);
      process.nextTick(() => duplex.emit('close'));
    });
    if (terminateOnDestroy) ws.terminate();
  };
  duplex._final = (callback) => {
    if (ws.readyState === ws.CONNECTING) {
      ws.once('open', () => duplex._final(callback));
      return;
    }
    if (ws.readyState === ws.CLOSED) {
      callback();
      return;
    }
    // ws calls back when its socket finished writing; the close event is the Connection's equivalent.
    ws.once('close', () => {
      callback();
      if (duplex.readableEnded) duplex.destroy();
    });
    ws.close();
  };
  duplex._read = () => {
    if (ws.isPaused) ws.resume();
  };
  duplex._write = (chunk: Buffer, encoding, callback) => {
    if (ws.readyState === ws.CONNECTING) {
      ws.once('open', () => duplex._write(chunk, encoding, callback));
      return;
    }
    ws.send(chunk, callback);
  };
  duplex.on('end', duplexOnEnd);
  duplex.on('error', duplexOnError);
  return duplex;
}
