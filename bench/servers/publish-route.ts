// The HTTP side both baseline servers share: GET /health and the same
// POST /api/v1/publish contract as Jobstream, so the publisher load is
// identical for all three servers.

import type http from 'node:http';

export interface Published {
  topic: string;
  type: string;
  data: unknown;
}

const MAX_BODY = 64 * 1024;
const TOPIC = /^[a-z0-9_-]+(:[a-z0-9_-]+)?$/;

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** onPublish fans the event out and returns its sequence number in the topic. */
export function publishRoute(apiKey: string, onPublish: (e: Published) => number): http.RequestListener {
  const expected = `Bearer ${apiKey}`;
  const handleBody = (res: http.ServerResponse, raw: Buffer): void => {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      reply(res, 400, { error: 'invalid_json' });
      return;
    }
    const { topic, type, data } = (body ?? {}) as { topic?: unknown; type?: unknown; data?: unknown };
    if (typeof topic !== 'string' || !TOPIC.test(topic) || typeof type !== 'string') {
      reply(res, 400, { error: 'invalid_event' });
      return;
    }
    const seq = onPublish({ topic, type, data: data ?? {} });
    reply(res, 200, { topic, seq });
  };
  return (req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      reply(res, 200, { status: 'ok' });
    } else if (req.method !== 'POST' || req.url !== '/api/v1/publish') {
      reply(res, 404, { error: 'not_found' });
    } else if (req.headers.authorization !== expected) {
      reply(res, 401, { error: 'unauthorized' });
    } else {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      req.on('end', () => {
        if (size > MAX_BODY) reply(res, 413, { error: 'too_large' });
        else handleBody(res, Buffer.concat(chunks));
      });
    }
  };
}

/** Same environment variables as Jobstream, so the orchestrator treats all servers alike. */
export function serverEnv(): { port: number; host: string; apiKey: string } {
  const port = Number(process.env.PORT ?? '0');
  const host = process.env.HOST ?? '127.0.0.1';
  const apiKey = process.env.JOBSTREAM_API_KEY ?? '';
  if (!apiKey) throw new Error('JOBSTREAM_API_KEY is required');
  return { port, host, apiKey };
}
