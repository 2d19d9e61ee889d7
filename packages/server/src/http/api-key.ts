import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Guards server-side publishing: `Authorization: Bearer <JOBSTREAM_API_KEY>`. Without a configured key,
 * only callers on this machine (loopback) may publish, so a fresh install is usable and not open.
 */
export function requireApiKey(request: FastifyRequest, apiKey: string | undefined): void {
  if (apiKey === undefined) {
    if (loopback.has(request.socket.remoteAddress ?? '')) return;
    throw new AppError(ErrorCode.unauthorized, 'set JOBSTREAM_API_KEY to publish from another host');
  }
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(apiKey);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError(ErrorCode.unauthorized, 'a valid API key is required (Authorization: Bearer …)');
  }
}
