import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { startServer } from '../helpers/server.js';

// Issue #10: what the router refused (a bad percent-escape, an over-long parameter) answered in
// Fastify's own shape `{error: "Bad Request", code: "FST_ERR_…", statusCode}`, not the documented one.

type Answer = { status: number; body: unknown };

function assertDocumented(answer: Answer, status: number, code: string, what: string): void {
  assert.equal(answer.status, status, `${what}: status`);
  const body = answer.body as { error?: { code?: unknown; message?: unknown } };
  assert.deepEqual(Object.keys(body), ['error'], `${what}: only an error`);
  assert.equal(body.error?.code, code, `${what}: code`);
  assert.equal(typeof body.error?.message, 'string', `${what}: message`);
}

async function call(url: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as unknown };
}

/** Sends raw bytes and reads the answer (fetch cannot send a malformed request). */
async function raw(url: string, request: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.write(request);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: JSON.parse(body) as unknown };
}

test('router refusals answer in the documented shape', async (t) => {
  const { url } = await startServer(t);
  assertDocumented(await call(url, '/api/v1/jobs/%zz'), 400, 'invalid_message', 'bad escape in a param');
  assertDocumented(await call(url, '/%zz'), 400, 'invalid_message', 'bad escape at the root');
  assertDocumented(
    await call(url, '/api/v1/queue/jobs/%E0%A4%A/cancel', { method: 'POST' }),
    400,
    'invalid_message',
    'truncated escape on a write',
  );
  assertDocumented(
    await call(url, `/api/v1/jobs/${'1'.repeat(500)}`),
    400,
    'invalid_message',
    'over-long param',
  );
});

test('bodies of the wrong type, empty or broken answer in the documented shape', async (t) => {
  const { url } = await startServer(t);
  const post = (body: string | undefined, type: string | undefined) =>
    call(url, '/api/v1/jobs', {
      method: 'POST',
      headers: type === undefined ? {} : { 'content-type': type },
      body,
    });
  assertDocumented(await post('', 'application/json'), 400, 'invalid_json', 'empty JSON body');
  assertDocumented(await post('{"a":', 'application/json'), 400, 'invalid_json', 'broken JSON');
  assertDocumented(await post('<a/>', 'application/xml'), 400, 'invalid_message', 'XML');
  assertDocumented(await post('x', 'text/plain'), 400, 'invalid_message', 'text');
  assertDocumented(await post('{"__proto__":{"x":1}}', 'application/json'), 400, 'invalid_json', 'proto');
  assertDocumented(await post('{}', 'application/json; charset=nope'), 400, 'invalid_message', 'charset');
});

test('requests Node’s HTTP parser refuses answer in the documented shape', async (t) => {
  const { url } = await startServer(t);
  assertDocumented(
    await raw(url, 'GET /health HTTP/1.1\r\nHost: x\r\nBad\u0001Header: 1\r\n\r\n'),
    400,
    'invalid_message',
    'a control character in a header name',
  );
  assertDocumented(await raw(url, 'NOT HTTP AT ALL\r\n\r\n'), 400, 'invalid_message', 'garbage request line');
  assertDocumented(
    await raw(url, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    413,
    'payload_too_large',
    'headers over the size limit',
  );
  // Node answered an unknown Expect with a bare 417 of its own; now the request is served as usual.
  const expect = (target: string) =>
    raw(url, `GET ${target} HTTP/1.1\r\nHost: x\r\nExpect: garbage\r\nConnection: close\r\n\r\n`);
  assert.equal((await expect('/health')).status, 200, 'Expect: garbage is ignored');
  assertDocumented(await expect('/api/v1/jobs/abc'), 400, 'invalid_message', 'Expect: garbage on a bad id');
  // And the server goes on.
  assert.equal((await fetch(`${url}/health`)).status, 200);
});
