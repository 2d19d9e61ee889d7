import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createUserService } from '../src/domain/users.js';
import { createJobstream } from '../src/server.js';
import { logIn, signUp } from './helpers/api.js';
import { FuzzClient } from './helpers/fuzz-rest/client.js';
import { breach, kindOf, logSink } from './helpers/fuzz-rest/contract.js';
import { Prng } from './helpers/prng.js';
import { fuzzCount, fuzzSeed } from './helpers/fuzz-rest/prng.js';
import { rawFuzz } from './helpers/fuzz-rest/raw.js';
import { fuzzRequest, type FuzzCredentials, type FuzzRequest } from './helpers/fuzz-rest/request.js';
import { appRoutes, type FuzzRoute } from './helpers/fuzz-rest/routes.js';
import type { KnownIds } from './helpers/fuzz-rest/values.js';
import { testDatabaseUrl } from './helpers/server.js';

// Every route of the running app (read from its route tree, so that new routes are covered), fed
// seeded hostile input: anonymously, as signed-in users, with bad credentials and with the API key.
// No answer may be a 5xx (nor may the server log one), and every error is
// `{"error": {"code", "message"}}` with a documented code. FUZZ_SEED replays a run; FUZZ_N sets the
// inputs per route (60 in CI; 1,000+ for a long local run).

const API_KEY = 'fuzz-rest-api-key';
const PER_ROUTE = fuzzCount(60);
const CONCURRENCY = 4;

/** A server with a posting, an application and a matching run to find, and users of every role. */
async function fuzzTarget(t: TestContext) {
  const log = logSink();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: testDatabaseUrl(t),
    JOBSTREAM_API_KEY: API_KEY,
  });
  const server = await createJobstream(config, pino({ level: 'warn' }, log.stream));
  const url = await server.listen();
  t.after(() => server.close());
  const seeker = await signUp(url, 'Seeker', 'job_seeker');
  const recruiter = await signUp(url, 'Recruiter', 'recruiter');
  const adminUser = {
    email: 'admin@example.test',
    password: 'password-123',
    role: 'admin',
    name: 'Admin',
  } as const;
  await createUserService(server.store.db).createUser(adminUser);
  const admin = await logIn(url, adminUser.email);
  const posting = await recruiter.call<{ id: number }>('POST', '/api/v1/jobs', {
    company: 'F',
    job_title: 'T',
  });
  await seeker.call('POST', '/api/v1/applications', { posting_id: posting.body.id });
  const run = await seeker.call<{ id?: string }>('POST', '/api/v1/matching-jobs', {
    source: { name: 'me', text: 'go and python' },
    targets: [{ posting_id: posting.body.id }],
    criteria: [{ id: 'skills', label: 'Skills' }],
  });
  const foreignToken = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(admin.id)
    .setIssuer('jobstream')
    .setExpirationTime('1h')
    .sign(randomBytes(32));
  const who: FuzzCredentials = {
    tokens: [seeker.token, recruiter.token, admin.token],
    foreignToken,
    apiKey: API_KEY,
  };
  const ids: KnownIds = {
    numbers: [posting.body.id, 1, 2, 3],
    uuids: [run.body.id ?? randomUUID(), seeker.id, randomUUID()],
  };
  const openApi = (await (await fetch(`${url}/docs/json`)).json()) as { paths: Record<string, unknown> };
  return { url, log, who, ids, routes: appRoutes(server.app, openApi) };
}

test(
  'REST fuzz: no route answers 5xx, every error in the documented shape',
  { timeout: 240_000 },
  async (t) => {
    const seed = fuzzSeed();
    t.diagnostic(`FUZZ_SEED=${seed} FUZZ_N=${PER_ROUTE}`);
    const { url, log, who, ids, routes } = await fuzzTarget(t);
    assert.ok(routes.length > 40, `the route tree was read (${routes.length} routes)`);

    const rng = new Prng(seed);
    const plan: { route: FuzzRoute; request: FuzzRequest | undefined }[] = [];
    for (const route of routes) {
      for (let i = 0; i < PER_ROUTE; i++) {
        // One in ten is written byte by byte (framing, encoding and syntax no HTTP client produces).
        plan.push({ route, request: rng.chance(0.1) ? undefined : fuzzRequest(route, rng, ids, who) });
      }
    }
    for (let i = plan.length - 1; i > 0; i--) {
      const j = rng.range(0, i);
      [plan[i], plan[j]] = [plan[j]!, plan[i]!];
    }

    const client = new FuzzClient(url);
    t.after(() => client.close());
    const counts = new Map<string, number>();
    const statuses = new Map<number, number>();
    const failures: { kind: string; text: string }[] = [];
    const fail = (kind: string, text: string) => failures.push({ kind, text });
    let next = 0;
    const worker = async () => {
      while (next < plan.length) {
        const { route, request } = plan[next++]!;
        const name = `${route.method} ${route.path}`;
        counts.set(name, (counts.get(name) ?? 0) + 1);
        if (request === undefined) {
          const raw = rawFuzz(route, rng, `Bearer ${rng.pick(who.tokens)}`);
          const answers = (await client.raw(raw.bytes, raw.halfClose)).answers.filter((a) => a.status >= 200);
          if (answers.length === 0 && raw.expectAnswer)
            fail(`raw ${raw.label}: no answer`, `${name} [raw: ${raw.label}]: no answer`);
          for (const answer of answers) {
            const why = breach(route, route.method, answer);
            if (why) fail(`raw ${raw.label}: ${kindOf(why)}`, `${name} [raw: ${raw.label}]: ${why}`);
          }
          continue;
        }
        const answer = await client.send(request);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const why = breach(route, request.method, answer);
        if (why)
          fail(
            `${name}: ${kindOf(why)}`,
            `${request.method} ${request.target.slice(0, 120)} (${name}) [${request.label}]: ${why}`,
          );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    for (const [name, n] of [...counts].sort()) t.diagnostic(`${String(n).padStart(5)}  ${name}`);
    t.diagnostic(`${total} requests over ${counts.size} routes`);
    t.diagnostic(
      `statuses: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
    assert.equal((await fetch(`${url}/health`)).status, 200, 'the server is still up');
    for (const entry of log.errors()) {
      fail(
        `logged ${entry.err?.message ?? entry.msg ?? ''}`,
        `the server logged: ${entry.msg ?? ''} ${entry.err?.stack?.slice(0, 300) ?? ''}`,
      );
    }
    // One example of each kind of breach (route and reason), most frequent first.
    const kinds = new Map<string, { n: number; example: string }>();
    for (const { kind, text } of failures) {
      const entry = kinds.get(kind) ?? { n: 0, example: text };
      entry.n++;
      kinds.set(kind, entry);
    }
    const summary = [...kinds.values()]
      .sort((a, b) => b.n - a.n)
      .map((k) => `${k.n} × ${k.example.slice(0, 400)}`);
    for (const line of summary.slice(0, 50)) t.diagnostic(line);
    assert.deepEqual(summary, [], `${failures.length} of ${total} requests broke the contract`);
  },
);
