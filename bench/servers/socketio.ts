// Baseline: Socket.IO v4 on the websocket transport only. Subscribing joins
// a room; publishing is io.to(topic).emit, which encodes once per event.
// With SOCKETIO_RECOVERY=1, connection state recovery is on (the
// reconnect-storm scenario): a session that comes back within 2 minutes gets
// its rooms and missed packets again, then a `resumed` message with each of
// its rooms' latest seq (so the client knows when it holds everything).

import http from 'node:http';
import { Server } from 'socket.io';
import { publishRoute, serverEnv } from './publish-route.js';

const { port, host, apiKey } = serverEnv();
const seqs = new Map<string, number>();
const recovery = process.env.SOCKETIO_RECOVERY === '1';

const server = http.createServer(
  publishRoute(apiKey, ({ topic, type, data }) => {
    const seq = (seqs.get(topic) ?? 0) + 1;
    seqs.set(topic, seq);
    io.to(topic).emit('event', {
      type: 'event',
      topic,
      seq,
      event: type,
      ts: new Date().toISOString(),
      data,
    });
    return seq;
  }),
);

const io = new Server(server, {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
  ...(recovery
    ? { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: true } }
    : {}),
});

io.on('connection', (socket) => {
  if (socket.recovered) {
    const standing: Record<string, number> = {};
    for (const room of socket.rooms) {
      const seq = seqs.get(room);
      if (seq !== undefined) standing[room] = seq;
    }
    socket.emit('resumed', standing);
  }
  socket.on('subscribe', (topic: unknown, ack: unknown) => {
    if (typeof topic === 'string') void socket.join(topic);
    const seq = typeof topic === 'string' ? (seqs.get(topic) ?? 0) : 0;
    if (typeof ack === 'function') (ack as (r: { topic: unknown; seq: number }) => void)({ topic, seq });
  });
});

// Like Fastify's default (72 s), so idle keep-alive sockets are not reset under the publisher.
server.keepAliveTimeout = 72_000;
server.listen(port, host);
