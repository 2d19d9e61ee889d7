// Baseline: a plain `ws` server that serializes each event once and does one
// socket.send per subscriber ("one write per event per socket"). Speaks the
// same subscribe/event messages as Jobstream's /ws.

import http from 'node:http';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { publishRoute, serverEnv } from './publish-route.js';

const { port, host, apiKey } = serverEnv();
const topics = new Map<string, Set<WebSocket>>();
const seqs = new Map<string, number>();

const server = http.createServer(
  publishRoute(apiKey, ({ topic, type, data }) => {
    const seq = (seqs.get(topic) ?? 0) + 1;
    seqs.set(topic, seq);
    const subs = topics.get(topic);
    if (subs?.size) {
      const frame = Buffer.from(
        JSON.stringify({ type: 'event', topic, seq, event: type, ts: new Date().toISOString(), data }),
      );
      for (const ws of subs) ws.send(frame);
    }
    return seq;
  }),
);

const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
let nextId = 1;

wss.on('connection', (ws) => {
  const mine = new Set<string>();
  // A welcome like Jobstream's, so "connect + first message" means the same for both.
  ws.send(
    JSON.stringify({
      type: 'welcome',
      connection_id: `c${nextId++}`,
      server_time: new Date().toISOString(),
      heartbeat_ms: 30000,
    }),
  );
  ws.on('message', (raw) => {
    let msg: { type?: unknown; topic?: unknown };
    try {
      msg = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '') as typeof msg;
    } catch {
      return;
    }
    if (msg.type !== 'subscribe' || typeof msg.topic !== 'string') return;
    const topic = msg.topic;
    let subs = topics.get(topic);
    if (!subs) topics.set(topic, (subs = new Set()));
    subs.add(ws);
    mine.add(topic);
    ws.send(
      JSON.stringify({
        type: 'subscribed',
        topic,
        seq: seqs.get(topic) ?? 0,
        epoch: 'bare',
        recovered: false,
      }),
    );
  });
  ws.on('close', () => {
    for (const t of mine) {
      const subs = topics.get(t);
      subs?.delete(ws);
      if (subs?.size === 0) topics.delete(t);
    }
  });
  ws.on('error', () => {
    ws.terminate();
  });
});

// Like Fastify's default (72 s), so idle keep-alive sockets are not reset under the publisher.
server.keepAliveTimeout = 72_000;
server.listen(port, host);
