import type { FastifyInstance } from 'fastify';

/** A small landing page until the dashboard is built into `/`. */
export function registerRootPage(app: FastifyInstance, version: string): void {
  app.get('/', (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Jobstream</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Jobstream ${version}</h1>
<p>The server is running. Connect a WebSocket to <code>/ws</code>, stream
<code>/api/v1/events?topics=…</code>, or see <a href="/api/v1/stats">/api/v1/stats</a> and
<a href="/health">/health</a>.</p>
</body></html>`),
  );
}
