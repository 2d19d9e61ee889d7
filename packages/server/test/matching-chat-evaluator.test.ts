import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ChatEvaluator } from '../src/work/matching/chat-evaluator.js';
import { createEvaluator } from '../src/work/matching/create-evaluator.js';
import { EvaluatorError, type EvaluationInput } from '../src/work/matching/evaluator.js';
import { MatchingStatusEventSchema } from '@jobstream/protocol';
import { FallbackEvaluator } from '../src/work/matching/fallback-evaluator.js';
import { LocalEvaluator } from '../src/work/matching/local-evaluator.js';
import { collectingPublisher } from '../src/work/matching/publisher.js';
import { runMatching } from '../src/work/matching/run-matching.js';
import { resolveCriterion } from '../src/work/matching/types.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: unknown;
}

// The stub answers each request with whatever `respond` says; `seen` records what arrived.
let respond: (res: ServerResponse) => void = () => {};
const seen: Seen[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
    });
    respond(res);
  });
});
let baseUrl = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function answer(content: string | null, status = 200) {
  return (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, message: { role: 'assistant', content } }] }),
    );
  };
}

const INPUT: EvaluationInput = {
  criterion: resolveCriterion({ id: 'db', label: 'Databases', guidance: 'PostgreSQL schema design' }),
  sourceSnippets: ['Designed PostgreSQL schemas and tuned slow queries.'],
  targetSnippets: ['Experience designing PostgreSQL schemas is a plus.'],
  target: { id: 'acme', name: 'Acme Corp' },
};
const live = () => new AbortController().signal;
const chat = (timeoutMs = 2000) =>
  new ChatEvaluator({ baseUrl, apiKey: 'sk-test-123', model: 'stub-model', timeoutMs });

async function rejectsWith(promise: Promise<unknown>, kind: EvaluatorError['kind'], message: RegExp) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof EvaluatorError, String(error));
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
    return true;
  });
}

test('a good answer: the verdict is read; the request is an OpenAI chat completion', async () => {
  seen.length = 0;
  respond = answer('{"rating": "GOOD", "reason": "Both design PostgreSQL schemas."}');
  const verdict = await chat().evaluate(INPUT, live());
  assert.deepEqual(verdict, { rating: 'GOOD', reason: 'Both design PostgreSQL schemas.' });

  assert.equal(seen.length, 1);
  const [request] = seen;
  assert.equal(request!.method, 'POST');
  assert.equal(request!.url, '/v1/chat/completions');
  assert.equal(request!.headers.authorization, 'Bearer sk-test-123');
  assert.match(request!.headers['content-type'] ?? '', /^application\/json/u);
  const body = request!.body as {
    model: string;
    temperature: number;
    response_format: unknown;
    messages: { role: string; content: string }[];
  };
  assert.equal(body.model, 'stub-model');
  assert.equal(body.temperature, 0);
  assert.deepEqual(body.response_format, { type: 'json_object' });
  assert.deepEqual(
    body.messages.map((m) => m.role),
    ['system', 'user'],
  );
  assert.match(body.messages[0]!.content, /"rating": "GOOD" \| "NEUTRAL" \| "BAD"/u);
  for (const part of [
    'Databases',
    'PostgreSQL schema design',
    'Acme Corp',
    'tuned slow queries',
    'is a plus',
  ]) {
    assert.ok(body.messages[1]!.content.includes(part), part);
  }
});

test('no API key: no Authorization header; a lower-case rating in a code fence is accepted', async () => {
  seen.length = 0;
  respond = answer('```json\n{"rating": "neutral", "reason": "Partly."}\n```');
  const keyless = new ChatEvaluator({ baseUrl, model: 'stub-model' });
  assert.deepEqual(await keyless.evaluate(INPUT, live()), { rating: 'NEUTRAL', reason: 'Partly.' });
  assert.equal(seen[0]!.headers.authorization, undefined);
});

test('a timeout: the stub never answers', async () => {
  respond = () => {}; // never answers
  const started = Date.now();
  await rejectsWith(chat(150).evaluate(INPUT, live()), 'timeout', /^LLM evaluator timed out after 150 ms$/u);
  assert.ok(Date.now() - started < 2000);
});

test('bad JSON: prose instead of JSON, or JSON of the wrong shape', async () => {
  respond = answer('Sure! I would rate this GOOD.');
  await rejectsWith(
    chat().evaluate(INPUT, live()),
    'invalid_json',
    /^LLM evaluator returned invalid JSON: the message is not JSON: Sure! I would rate this GOOD\.$/u,
  );
  respond = answer('{"rating": "EXCELLENT", "reason": "x"}');
  await rejectsWith(
    chat().evaluate(INPUT, live()),
    'invalid_json',
    /^LLM evaluator returned invalid JSON: expected/u,
  );
  respond = answer(null);
  await rejectsWith(chat().evaluate(INPUT, live()), 'invalid_json', /invalid JSON/u);
  respond = (res) => res.end('<html>gateway</html>');
  await rejectsWith(chat().evaluate(INPUT, live()), 'invalid_json', /the answer is not JSON: <html>/u);
});

test('HTTP 500: the status and the provider’s message', async () => {
  respond = (res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'model overloaded' } }));
  };
  await rejectsWith(
    chat().evaluate(INPUT, live()),
    'http',
    /^LLM evaluator failed with HTTP 500: model overloaded$/u,
  );
  respond = (res) => {
    res.writeHead(503);
    res.end('busy');
  };
  await rejectsWith(
    chat().evaluate(INPUT, live()),
    'http',
    /^LLM evaluator failed with HTTP 503 Service Unavailable$/u,
  );
});

test('an unreachable server: a network error', async () => {
  const closed = new ChatEvaluator({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', timeoutMs: 2000 });
  await rejectsWith(closed.evaluate(INPUT, live()), 'network', /^LLM evaluator request failed: /u);
});

test('a cancel while waiting is the caller’s abort, not an evaluator error', async () => {
  respond = () => {};
  const controller = new AbortController();
  const pending = chat(5000).evaluate(INPUT, controller.signal);
  setTimeout(() => controller.abort(new Error('stop')), 50);
  await assert.rejects(pending, (error) => !(error instanceof EvaluatorError) && /stop/u.test(String(error)));
});

test('FallbackEvaluator: the local verdict on timeout or bad JSON; a cancel is not fallen back from', async () => {
  const failures: string[] = [];
  const evaluator = new FallbackEvaluator(chat(150), new LocalEvaluator(), (e) => failures.push(e.kind));
  const local = await new LocalEvaluator().evaluate(INPUT, live());
  respond = () => {};
  assert.deepEqual(await evaluator.evaluate(INPUT, live()), local);
  respond = answer('not json');
  assert.deepEqual(await evaluator.evaluate(INPUT, live()), local);
  assert.deepEqual(failures, ['timeout', 'invalid_json']);
  respond = answer('{"rating": "BAD", "reason": "The LLM says no."}');
  assert.deepEqual(await evaluator.evaluate(INPUT, live()), { rating: 'BAD', reason: 'The LLM says no.' });
  await assert.rejects(evaluator.evaluate(INPUT, AbortSignal.abort()));
  assert.equal(failures.length, 2);
});

test('createEvaluator: local without LLM_BASE_URL; chat, with or without fallback, from the env', async () => {
  assert.ok(createEvaluator({}) instanceof LocalEvaluator);
  assert.ok(createEvaluator({ LLM_BASE_URL: ' ' }) instanceof LocalEvaluator);
  assert.throws(() => createEvaluator({ LLM_BASE_URL: baseUrl }), /LLM_MODEL must be set/u);
  assert.throws(
    () => createEvaluator({ LLM_BASE_URL: baseUrl, LLM_MODEL: 'm', LLM_FALLBACK: 'maybe' }),
    /LLM_FALLBACK must be "local" or "none"/u,
  );
  assert.throws(
    () => createEvaluator({ LLM_BASE_URL: baseUrl, LLM_MODEL: 'm', LLM_TIMEOUT_MS: '-1' }),
    /LLM_TIMEOUT_MS/u,
  );
  const env = { LLM_BASE_URL: baseUrl, LLM_API_KEY: 'k2', LLM_MODEL: 'env-model', LLM_TIMEOUT_MS: '150' };
  assert.ok(createEvaluator(env) instanceof ChatEvaluator);
  assert.ok(createEvaluator({ ...env, LLM_FALLBACK: 'local' }) instanceof FallbackEvaluator);

  seen.length = 0;
  respond = answer('{"rating": "GOOD", "reason": "ok"}');
  await createEvaluator(env).evaluate(INPUT, live());
  assert.equal(seen[0]!.headers.authorization, 'Bearer k2');
  assert.equal((seen[0]!.body as { model: string }).model, 'env-model');
  respond = () => {};
  await rejectsWith(createEvaluator(env).evaluate(INPUT, live()), 'timeout', /after 150 ms/u);
});

test('a run with a failing LLM and no fallback ends with status failed and the clear error', async () => {
  respond = answer('garbage');
  const publisher = collectingPublisher();
  await assert.rejects(
    runMatching(
      '8dc1f15e-52bd-4a4c-9f7a-40dd6aacd21e',
      {
        source: { name: 'Jane', text: 'Designed PostgreSQL schemas.' },
        targets: [{ id: 'acme', name: 'Acme Corp', text: 'PostgreSQL schema design.' }],
        criteria: [{ id: 'db', label: 'Databases', guidance: 'PostgreSQL' }],
      },
      { evaluator: chat(), publisher, signal: live() },
    ),
    EvaluatorError,
  );
  const last = MatchingStatusEventSchema.parse(publisher.events.at(-1));
  assert.equal(last.status, 'failed');
  assert.match(
    last.error_message ?? '',
    /^LLM evaluator returned invalid JSON: the message is not JSON: garbage$/u,
  );
});
