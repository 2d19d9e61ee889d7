import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { routeDocs } from '../src/http/openapi/route-docs.js';
import { startServer } from './helpers/server.js';

interface Operation {
  summary?: string;
  security?: Record<string, unknown>[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, string>> };
}

const ref = (op: Operation | undefined, status: string): unknown =>
  op?.responses[status]?.content?.['application/json']?.schema;

test('the OpenAPI document is valid and complete: summaries, answers, security, no internal routes', async (t) => {
  const { url } = await startServer(t, {}, { demo: true });
  const res = await fetch(`${url}/docs/json`);
  assert.equal(res.status, 200);
  const doc = (await res.json()) as Document;
  const result = await validate(structuredClone(doc) as never);
  assert.deepEqual(result, { valid: true, warnings: [], specification: 'OpenAPI' });

  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  );
  // Every route is in the catalogue (a new one without a summary fails here), every API route in the document.
  const documented = Object.entries(routeDocs)
    .filter(([, entry]) => entry.hidden !== true)
    .map(([key]) => key.replace(/:(\w+)/g, '{$1}'));
  assert.deepEqual(operations.map((o) => o.name).sort(), documented.sort());
  for (const { name, op } of operations) {
    assert.ok(op.summary && op.summary.length > 5, `${name} has a summary`);
    assert.ok(op.responses['4XX'], `${name} documents its errors`);
  }
  // The dashboard, its assets and the demo's boards are pages, not API.
  for (const path of Object.keys(doc.paths))
    assert.doesNotMatch(path, /^\/$|^\/assets|^\/demo|^\/docs/, path);

  const op = (method: string, path: string) => doc.paths[path]?.[method];
  assert.deepEqual(ref(op('get', '/api/v1/jobs/{id}'), '200'), { $ref: '#/components/schemas/Posting' });
  assert.deepEqual(ref(op('post', '/api/v1/applications'), '201'), {
    $ref: '#/components/schemas/Application',
  });
  assert.deepEqual(ref(op('get', '/api/v1/queue/jobs/{id}'), '200'), {
    $ref: '#/components/schemas/WorkJob',
  });
  assert.deepEqual(ref(op('get', '/api/v1/jobs/{id}'), '4XX'), { $ref: '#/components/schemas/Error' });
  for (const name of ['Posting', 'Application', 'WorkJob', 'Error', 'Source', 'QueueStats'])
    assert.ok(doc.components.schemas[name], name);

  const schemes = doc.components.securitySchemes;
  assert.deepEqual(schemes.bearer?.scheme, 'bearer');
  assert.deepEqual(
    [schemes.session?.type, schemes.session?.in, schemes.session?.name],
    ['apiKey', 'cookie', 'jobstream_session'],
  );
  assert.ok(schemes.apiKey);
  const publish = op('post', '/api/v1/publish');
  assert.deepEqual(publish?.security, [{ apiKey: [] }]);
  const body = publish?.requestBody?.content['application/json']?.schema.properties ?? {};
  assert.deepEqual(Object.keys(body).sort(), ['data', 'idempotency_key', 'topic', 'type']);
  assert.deepEqual(op('post', '/api/v1/auth/login')?.security, [{}], 'signing in needs no credential');
});
