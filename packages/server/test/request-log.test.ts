import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { requestChildLogger, requestId } from '../src/http/request-log.js';
import { createJobstream } from '../src/server.js';
import { testDatabaseUrl } from './helpers/server.js';

interface Line {
  level: number;
  msg: string;
  reqId?: string;
  req?: Record<string, unknown>;
  res?: { statusCode: number };
}

test('each request is logged at info with its reqId; tokens, headers and bodies never are', async (t) => {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) if (text) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: testDatabaseUrl(t),
    LOGIN_RATE_LIMIT_PER_MIN: '0',
  });
  const node = await createJobstream(config, pino({ level: 'info' }, sink));
  t.after(() => node.close());
  const url = await node.listen();

  const secret = 'eyJ-a-secret-token';
  await fetch(`${url}/api/v1/jobs?token=${secret}&limit=5`, {
    headers: {
      authorization: `Bearer ${secret}`,
      cookie: `jobstream_session=${secret}`,
      'x-request-id': 'trace-42',
    },
  });
  await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ada@example.test', password: 'the-password-in-a-body' }),
  });

  const requests = lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed');
  assert.equal(requests.length, 4, 'a line as each request came and one as it was answered');
  for (const line of requests) {
    assert.equal(line.level, 30, 'info');
    assert.equal(typeof line.reqId, 'string');
  }
  const first = requests.filter((l) => l.reqId === 'trace-42');
  assert.equal(first.length, 2, "the caller's X-Request-Id names both lines");
  assert.equal(first[0]?.req?.url, '/api/v1/jobs?token=[redacted]&limit=5');
  assert.equal(first[1]?.res?.statusCode, 401);
  const all = JSON.stringify(lines);
  assert.ok(!all.includes(secret), 'no token, from the query, the Authorization header or a cookie');
  assert.ok(!all.includes('the-password-in-a-body'), 'no body');
  assert.ok(!/authorization|cookie/i.test(JSON.stringify(requests)), 'no headers');
});

test('a request logger writes its lines with the reqId at the levels enabled, and none below', () => {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) if (text) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  const parent = pino({ level: 'warn' }, sink);
  const log = requestChildLogger(parent, { reqId: 'r-1' }, {});
  log.info('not at warn');
  log.debug({ a: 1 }, 'nor this');
  assert.equal(log.level, 'warn');
  log.warn({ code: 7 }, 'slow');
  log.error(new Error('boom'), 'failed');
  log.child({ part: 'x' }).error('from a child');
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.reqId]),
    [
      [40, 'slow', 'r-1'],
      [50, 'failed', 'r-1'],
      [50, 'from a child', 'r-1'],
    ],
  );
  log.level = 'info';
  log.info('now at info');
  assert.equal(lines.at(-1)?.msg, 'now at info');
  assert.equal(parent.level, 'warn', "the parent's level is the parent's");
});

/** Just what requestId reads of a request. */
const withHeaders = (headers: IncomingHttpHeaders) => ({ headers }) as unknown as IncomingMessage;

test('request ids: the caller’s when it is a plain token, else new ones that never repeat', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 1000; i++) ids.add(requestId(withHeaders({})));
  assert.equal(ids.size, 1000);
  assert.equal(requestId(withHeaders({ 'x-request-id': 'trace-42' })), 'trace-42');
  const bad = requestId(withHeaders({ 'x-request-id': 'has spaces\nand a newline' }));
  assert.notEqual(bad, 'has spaces\nand a newline');
});
