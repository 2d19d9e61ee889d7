import type { FastifyInstance } from 'fastify';

/** A JSON Schema as the OpenAPI document gives it (zod's, through fastify-type-provider-zod). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
}

/** One method of one route, with what the OpenAPI document says of its inputs. */
export interface FuzzRoute {
  readonly method: string;
  /** Fastify's form: `/api/v1/jobs/:id`, `/assets/*`. */
  readonly path: string;
  readonly params: readonly { name: string; schema: JsonSchema }[];
  readonly query: readonly { name: string; schema: JsonSchema }[];
  readonly body: JsonSchema | undefined;
}

interface OpenApiOperation {
  parameters?: { in: string; name: string; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/**
 * Every route the running app has, read from Fastify's own route tree (so that a route added
 * tomorrow is fuzzed without a change here), with its inputs from the OpenAPI document where it has
 * them. Fastify's tree prints one node a line, `├── api/v1/jobs (GET, HEAD, POST)`, indented four
 * characters a level; a node's path is its parent's followed by its own text.
 */
export function appRoutes(app: FastifyInstance, openApi: { paths: Record<string, unknown> }): FuzzRoute[] {
  const stack: string[] = [];
  const routes: FuzzRoute[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!match) continue;
    const [, indent = '', segment = '', methods] = match;
    const level = indent.length / 4;
    stack.length = level;
    const path = (stack[level - 1] ?? '') + segment;
    stack[level] = path;
    if (methods === undefined) continue;
    for (const method of methods.split(',').map((m) => m.trim())) {
      const operation = operationOf(openApi, path, method);
      const parameters = operation?.parameters ?? [];
      routes.push({
        method,
        path,
        params: parameters.filter((p) => p.in === 'path'),
        query: parameters.filter((p) => p.in === 'query'),
        body: operation?.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return routes;
}

function operationOf(
  openApi: { paths: Record<string, unknown> },
  path: string,
  method: string,
): OpenApiOperation | undefined {
  const openApiPath = path.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}');
  const item = openApi.paths[openApiPath] as Record<string, OpenApiOperation> | undefined;
  return item?.[method.toLowerCase()];
}
