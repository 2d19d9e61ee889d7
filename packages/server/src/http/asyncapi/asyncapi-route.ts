import type { FastifyInstance } from 'fastify';
import { asyncApiDocument } from './asyncapi-document.js';

/** `GET /asyncapi.json`: the WebSocket APIs in AsyncAPI 3.0, made once at start. */
export function registerAsyncApi(app: FastifyInstance, version: string): void {
  const body = JSON.stringify(asyncApiDocument(version));
  app.get('/asyncapi.json', (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
}
