// Baseline: Socket.IO v4 on the websocket transport only. Subscribing joins
// a room; publishing is io.to(topic).emit, which encodes once per event.

import http from 'node:http';
import { Server } from 'socket.io';
import { publishRoute, serverEnv } from './publish-route.js';

const { port, host, apiKey } = serverEnv();
const seqs = new Map<string, number>();

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

const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });

io.on('connection', (socket) => {
  socket.on('subscribe', (topic: unknown, ack: unknown) => {
    if (typeof topic === 'string') void socket.join(topic);
    if (typeof ack === 'function') (ack as (r: { topic: unknown; seq: number }) => void)({ topic, seq: 0 });
  });
});

// Like Fastify's default (72 s), so idle keep-alive sockets are not reset under the publisher.
server.keepAliveTimeout = 72_000;
server.listen(port, host);
