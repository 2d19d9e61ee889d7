import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { AppError } from '../errors.js';
import { exceedsJsonDepth } from '../json-depth.js';

/**
 * The JSON body parser of every route: Fastify's own (which refuses `__proto__` and `constructor`
 * keys), after a check that the body nests no deeper than `maxDepth` (MAX_JSON_DEPTH). Deeper data
 * could be parsed, but not encoded again (JSON.stringify overflows the stack a few thousand levels
 * down): it is refused with 400 here, before any route could store or publish it.
 */
export function registerJsonBody(app: FastifyInstance, maxDepth: number): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (exceedsJsonDepth(body as string, maxDepth)) {
      done(
        new AppError(
          ErrorCode.invalidMessage,
          `the body nests objects and arrays more than ${maxDepth} levels deep (MAX_JSON_DEPTH)`,
        ),
        undefined,
      );
      return;
    }
    void parseJson(request, body as string, done);
  });
}
