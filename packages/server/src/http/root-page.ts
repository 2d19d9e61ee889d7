import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';

export interface RootPageOptions {
  readonly version: string;
  /** `serve --demo`: the dashboard offers the demo's credentials. */
  readonly demo: boolean;
  /** The built dashboard. @default packages/web/dist, beside this server package */
  readonly distDir?: string | undefined;
}

/** Where `npm run build -w packages/web` puts the dashboard, found from this file, not the cwd. */
export const defaultDistDir = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A name Vite gives an asset (`index-DB3vrpgO.js`): no folders, no dot files, nothing to escape with. */
const ASSET_NAME = /^[\w-][\w.-]*$/;

const isMissing = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ||
  (error as NodeJS.ErrnoException | undefined)?.code === 'EISDIR';

/**
 * `GET /`: the dashboard built into `packages/web/dist` (its `index.html` at `/`, its hashed files at
 * `/assets/*`, cached for a year), or, while it is not built, a small landing page saying how to build
 * it. `GET /api/v1/info`: `{version, demo}`, which the dashboard reads.
 */
export function registerRootPage(app: FastifyInstance, options: RootPageOptions): void {
  const { version, demo } = options;
  const dist = options.distDir ?? defaultDistDir;

  app.get('/api/v1/info', { schema: { tags: ['status'] } }, () => ({ version, demo }));

  app.get('/', async (_request, reply) => {
    try {
      // Read on each request: a dashboard built while the server runs is served at once.
      const html = await readFile(join(dist, 'index.html'));
      return await reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    } catch (error) {
      if (!isMissing(error)) throw error;
      return landingPage(reply, version);
    }
  });

  // The service worker (packages/web/public/sw.js) is served from `/` so that its scope is the dashboard.
  app.get('/sw.js', async (_request, reply) => {
    try {
      const body = await readFile(join(dist, 'sw.js'));
      return await reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(body);
    } catch (error) {
      if (!isMissing(error)) throw error;
      throw new AppError(ErrorCode.notFound, 'the dashboard is not built');
    }
  });

  app.get<{ Params: { '*': string } }>('/assets/*', async (request, reply) => {
    const name = request.params['*'];
    const type = TYPES[extname(name)];
    if (!ASSET_NAME.test(name) || !type) return reply.status(404).send();
    try {
      const body = await readFile(join(dist, 'assets', name));
      // Each name carries a hash of its content: it never changes.
      return await reply.type(type).header('cache-control', 'public, max-age=31536000, immutable').send(body);
    } catch (error) {
      if (!isMissing(error)) throw error;
      return reply.status(404).send();
    }
  });
}

function landingPage(reply: FastifyReply, version: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Jobstream</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Jobstream ${version}</h1>
<p>The server is running. Connect a WebSocket to <code>/ws</code>, stream
<code>/api/v1/events?topics=…</code>, or see <a href="/api/v1/stats">/api/v1/stats</a> and
<a href="/health">/health</a>.</p>
<p>The dashboard is not built: run <code>npm run build -w packages/web</code> (<code>npm start</code>
does it first), then reload this page.</p>
</body></html>`);
}
