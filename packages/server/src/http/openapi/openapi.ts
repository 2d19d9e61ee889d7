import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApplicationResource,
  ErrorBody,
  PostingResource,
  QueueStatsResource,
  SourceResource,
  WorkJobResource,
} from '@jobstream/protocol';
import { SESSION_COOKIE } from '../../auth/credentials.js';
import { routeDocs, type Access, type RouteDoc } from './route-docs.js';

/** The resources the document names once (components) and refers to. */
const components = z.registry<{ id: string }>();
components.add(ErrorBody, { id: 'Error' });
components.add(PostingResource, { id: 'Posting' });
components.add(ApplicationResource, { id: 'Application' });
components.add(WorkJobResource, { id: 'WorkJob' });
components.add(QueueStatsResource, { id: 'QueueStats' });
components.add(SourceResource, { id: 'Source' });

const securitySchemes = {
  bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A user’s access token' },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The session cookie that POST /api/v1/auth/login sets',
  },
  apiKey: { type: 'http', scheme: 'bearer', description: 'JOBSTREAM_API_KEY, for server-side publishing' },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when it is set' },
} as const;

/** `{}` in a list of requirements: also without credentials. */
const security: Record<Access, Record<string, never[]>[]> = {
  user: [{ bearer: [] }, { session: [] }, {}],
  open: [{}],
  publish: [{ apiKey: [] }],
  metrics: [{ metricsToken: [] }, {}],
};

const AnyJson = z.looseObject({}).describe('JSON');

/** The responses of a route, as zod (converted by the type provider's transform). */
function responses(doc: RouteDoc): Record<string, unknown> {
  const [status, body, description] = doc.ok ?? [200];
  const json = (schema: z.ZodType, text: string, type = 'application/json') => ({
    description: text,
    content: { [type]: { schema } },
  });
  return {
    ...(body === null ? {} : { [status]: json(body ?? AnyJson, description ?? 'Success', doc.contentType) }),
    '4XX': json(ErrorBody, 'Refused: `{error: {code, message}}`'),
    '5XX': json(ErrorBody, 'Failed: `{error: {code, message}}`'),
  };
}

/** A success answer without a body, added after the transform (it takes only zod). */
function noContent(doc: RouteDoc): Record<string, unknown> {
  const [status, body, description] = doc.ok ?? [200];
  return body === null ? { [status]: { type: 'null', description: description ?? 'No content' } } : {};
}

/**
 * The OpenAPI document at `/docs/json` (and its UI at `/docs`): every route with its summary, its
 * request schemas (the zod schemas that validate it), its answers and who may call it. The catalogue
 * (route-docs.ts) adds what a route's own schema does not say; routes that are pages, not API, are
 * left out.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  const zodTransform = createJsonSchemaTransform({ schemaRegistry: components });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Jobstream',
        version,
        description:
          'Real-time job events: the REST API. The WebSocket APIs are described in AsyncAPI at /asyncapi.json.',
      },
      components: { securitySchemes },
      security: [...security.user],
    },
    transform: (input) => {
      const method = Array.isArray(input.route.method) ? input.route.method[0] : input.route.method;
      const doc = routeDocs[`${method} ${input.route.url}`];
      if (!doc) return zodTransform(input);
      if (doc.hidden) return { schema: { hide: true }, url: input.url };
      const schema = {
        ...input.schema,
        summary: doc.summary,
        ...(doc.description ? { description: doc.description } : {}),
        ...(doc.body ? { body: doc.body } : {}),
        ...(doc.querystring ? { querystring: doc.querystring } : {}),
        security: security[doc.access ?? 'user'],
        response: responses(doc),
      };
      const out = zodTransform({ ...input, schema });
      const converted = out.schema as { response?: Record<string, unknown> };
      converted.response = { ...noContent(doc), ...converted.response };
      return out;
    },
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: components }),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
