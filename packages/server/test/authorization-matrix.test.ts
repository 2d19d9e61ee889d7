import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { api } from './helpers/api.js';
import {
  nativeProbe,
  restProbe,
  socketProbe,
  sseProbe,
  type Outcome,
  type ProbeTarget,
} from './helpers/matrix-probes.js';
import {
  FOREIGN_JWT_SECRET,
  makePerson,
  mintToken,
  TEST_JWT_SECRET,
  type Person,
} from './helpers/principals.js';
import { typed } from './helpers/raw-socket.js';
import { startServer } from './helpers/server.js';

/**
 * The authorization contract: every endpoint and transport × every kind of credential × AUTH_REQUIRED
 * off and on. Each row is one endpoint; its cells say what each caller gets: an HTTP status, a
 * WebSocket's close code or `open`, a native subscribe's `subscribed` or `forbidden`. "right" is the
 * row's own user (the owner of what it names); "other" another signed-in user (of the same role, or
 * of one the route does not serve). Expired tokens are signed with the server's secret; "foreign"
 * ones with another. Open routes (health, sign-in, the dashboard, the OpenAPI document) ignore a bad
 * credential: a stale session cookie never stops its owner from signing in again.
 */
const CREDENTIALS = ['none', 'malformed', 'expired', 'foreign', 'other', 'right'] as const;
type Credential = (typeof CREDENTIALS)[number];
type Cells = readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];
type Who = 'seeker' | 'seeker2' | 'recruiter' | 'recruiter2' | 'admin';

interface World extends ProbeTarget {
  readonly people: Record<Who, Person>;
  readonly posting: number;
  readonly application: number;
  /** The seeker's finished analysis job, and matching run. */
  readonly work: string;
  readonly run: string;
  readonly source: number;
  readonly apiKey: string;
  /** A fresh number per call, for names that must be unique. */
  next(): number;
}

type Probe = (w: World, token: string | undefined, credential: Credential) => Promise<Outcome>;

interface Row {
  readonly name: string;
  readonly right: Who;
  readonly other: Who;
  readonly probe: Probe;
  readonly off: Cells;
  readonly on: Cells;
}

const rest =
  (method: string, path: (w: World) => string, body?: (w: World) => unknown): Probe =>
  (w, token, credential) =>
    restProbe(w, token, method, path(w), body?.(w), credential === 'expired');
const at = (path: string) => () => path;

const all = (o: Outcome): Cells => [o, o, o, o, o, o];
const B = 401; // a bad credential: refused, never taken for anonymous
/** Public unless AUTH_REQUIRED: anyone, any user; with it, users only. */
const shared = (ok: Outcome): { off: Cells; on: Cells } => ({
  off: [ok, B, B, B, ok, ok],
  on: [401, B, B, B, ok, ok],
});
/** Signed-in users only, either way: anonymous 401. */
const users = (other: Outcome, right: Outcome): Cells => [401, B, B, B, other, right];
/** The owner's (or a role's) alone: `none` is what anonymous gets without AUTH_REQUIRED. */
const owned = (none: Outcome, other: Outcome, right: Outcome): { off: Cells; on: Cells } => ({
  off: [none, B, B, B, other, right],
  on: [401, B, B, B, other, right],
});
const ws = { malformed: 4003, expired: 4004, foreign: 4001 } as const;
/** WebSocket cells: the three bad credentials close with 4003, 4004, 4001 after the upgrade. */
const sock = (none: Outcome, other: Outcome, right: Outcome, noneOn: Outcome = 4001) => ({
  off: [none, ws.malformed, ws.expired, ws.foreign, other, right] as Cells,
  on: [noneOn, ws.malformed, ws.expired, ws.foreign, other, right] as Cells,
});

const ROWS: readonly Row[] = [
  // Open routes.
  {
    name: 'GET /health',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/health')),
    off: all(200),
    on: all(200),
  },
  {
    name: 'GET /api/v1/info',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/info')),
    off: all(200),
    on: all(200),
  },
  {
    name: 'GET / (dashboard)',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/')),
    off: all(200),
    on: all(200),
  },
  {
    name: 'GET /docs/json',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/docs/json')),
    off: all(200),
    on: all(200),
  },
  {
    name: 'POST /api/v1/auth/login',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('POST', at('/api/v1/auth/login'), (w) => ({
      email: w.people.seeker.email,
      password: w.people.seeker.password,
    })),
    off: all(200),
    on: all(200),
  },
  {
    name: 'POST /api/v1/auth/register',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('POST', at('/api/v1/auth/register'), (w) => ({
      email: `new${w.next()}@example.test`,
      password: 'password-123',
      role: 'job_seeker',
      name: 'New',
    })),
    off: all(201),
    on: all(201),
  },
  {
    name: 'POST /api/v1/auth/logout',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('POST', at('/api/v1/auth/logout')),
    off: all(204),
    on: all(204),
  },
  // Accounts and the domain.
  {
    name: 'GET /api/v1/auth/me',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/auth/me')),
    off: users(200, 200),
    on: users(200, 200),
  },
  {
    name: 'GET /api/v1/jobs',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/jobs')),
    ...shared(200),
  },
  {
    name: 'GET /api/v1/jobs/{id}',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', (w) => `/api/v1/jobs/${w.posting}`),
    ...shared(200),
  },
  {
    name: 'POST /api/v1/jobs',
    right: 'recruiter',
    other: 'seeker',
    probe: rest('POST', at('/api/v1/jobs'), (w) => ({ company: 'Matrix Co', job_title: `Role ${w.next()}` })),
    off: [201, B, B, B, 201, 201],
    on: [401, B, B, B, 403, 201],
  },
  {
    name: 'PATCH /api/v1/jobs/{id}',
    right: 'recruiter',
    other: 'recruiter2',
    probe: rest(
      'PATCH',
      (w) => `/api/v1/jobs/${w.posting}`,
      (w) => ({ location: `Town ${w.next()}` }),
    ),
    ...owned(403, 403, 200),
  },
  {
    name: 'GET /api/v1/profile',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/profile')),
    off: users(200, 200),
    on: users(200, 200),
  },
  {
    name: 'PUT /api/v1/profile',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('PUT', at('/api/v1/profile'), () => ({ skills: ['typescript'] })),
    off: users(200, 200),
    on: users(200, 200),
  },
  {
    name: 'GET /api/v1/applications',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/applications')),
    off: users(200, 200),
    on: users(200, 200),
  },
  {
    name: 'GET /api/v1/applications/{id}',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', (w) => `/api/v1/applications/${w.application}`),
    off: users(404, 200),
    on: users(404, 200),
  },
  {
    name: 'GET /api/v1/interviews',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/interviews')),
    off: users(200, 200),
    on: users(200, 200),
  },
  {
    name: 'GET /api/v1/followups',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/followups')),
    off: users(200, 200),
    on: users(200, 200),
  },
  {
    name: 'POST /api/v1/notifications',
    right: 'recruiter',
    other: 'seeker',
    probe: rest('POST', at('/api/v1/notifications'), (w) => ({
      user_id: w.people.seeker.id,
      message: 'Hello',
    })),
    off: users(403, 201),
    on: users(403, 201),
  },
  {
    name: 'GET /api/v1/recommendations',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/recommendations')),
    off: users(200, 200),
    on: users(200, 200),
  },
  {
    name: 'POST /api/v1/jobs/{id}/analyze',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('POST', (w) => `/api/v1/jobs/${w.posting}/analyze`),
    off: users(202, 202),
    on: users(202, 202),
  },
  // The work queue and matching runs.
  {
    name: 'GET /api/v1/queue/jobs',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/queue/jobs')),
    ...shared(200),
  },
  {
    name: 'GET /api/v1/queue/jobs/{id}',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', (w) => `/api/v1/queue/jobs/${w.work}`),
    ...owned(404, 404, 200),
  },
  {
    name: 'POST /api/v1/queue/jobs/{id}/cancel (finished)',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('POST', (w) => `/api/v1/queue/jobs/${w.work}/cancel`),
    ...owned(404, 404, 409),
  },
  {
    name: 'GET /api/v1/queue/stats',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/queue/stats')),
    ...shared(200),
  },
  {
    name: 'POST /api/v1/matching-jobs',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('POST', at('/api/v1/matching-jobs'), (w) => matchingInput(w.posting)),
    ...shared(202),
  },
  {
    name: 'GET /api/v1/matching-jobs/{id}/matches',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', (w) => `/api/v1/matching-jobs/${w.run}/matches`),
    ...owned(404, 404, 200),
  },
  {
    name: 'GET /api/matching-jobs/{id}/updates/',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', (w) => `/api/matching-jobs/${w.run}/updates/`),
    ...owned(404, 404, 200),
  },
  // Scrape sources and scrapes: anyone's without AUTH_REQUIRED, admins' with it.
  {
    name: 'GET /api/v1/sources',
    right: 'admin',
    other: 'seeker',
    probe: rest('GET', at('/api/v1/sources')),
    ...shared(200),
  },
  {
    name: 'POST /api/v1/sources',
    right: 'admin',
    other: 'seeker',
    probe: rest('POST', at('/api/v1/sources'), (w) => ({
      name: `matrix-${w.next()}`,
      kind: 'json',
      url: 'http://127.0.0.1:9/feed.json',
      company: 'M',
      enabled: false,
    })),
    off: [201, B, B, B, 201, 201],
    on: [401, B, B, B, 403, 201],
  },
  {
    name: 'PATCH /api/v1/sources/{id}',
    right: 'admin',
    other: 'seeker',
    probe: rest(
      'PATCH',
      (w) => `/api/v1/sources/${w.source}`,
      () => ({ enabled: false }),
    ),
    off: [200, B, B, B, 200, 200],
    on: [401, B, B, B, 403, 200],
  },
  {
    name: 'POST /api/v1/scrapes',
    right: 'admin',
    other: 'seeker',
    probe: rest('POST', at('/api/v1/scrapes'), () => ({})),
    off: [202, B, B, B, 202, 202],
    on: [401, B, B, B, 403, 202],
  },
  {
    name: 'GET /api/v1/stats',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/stats')),
    ...shared(200),
  },
  // Publishing takes the API key (its "right" credential), never a user's token.
  {
    name: 'POST /api/v1/publish',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token, credential) =>
      restProbe(w, credential === 'right' ? w.apiKey : token, 'POST', '/api/v1/publish', {
        topic: 'matrix',
        type: 'matrix.probe',
        data: {},
      }),
    off: [401, 401, 401, 401, 401, 200],
    on: [401, 401, 401, 401, 401, 200],
  },
  // Server-Sent Events and long-poll.
  {
    name: 'SSE postings',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => sseProbe(w, token, 'postings'),
    ...shared(200),
  },
  {
    name: 'SSE queue',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => sseProbe(w, token, 'queue'),
    ...shared(200),
  },
  {
    name: 'SSE user:{id}',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => sseProbe(w, token, `user:${w.people.seeker.id}`),
    ...owned(403, 403, 200),
  },
  {
    name: 'SSE work:{id}',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => sseProbe(w, token, `work:${w.run}`),
    ...owned(403, 403, 200),
  },
  {
    name: 'long-poll postings',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', at('/api/v1/events/poll?topic=postings&timeout=0')),
    ...shared(200),
  },
  {
    name: 'long-poll user:{id}',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', (w) => `/api/v1/events/poll?topic=user:${w.people.seeker.id}&timeout=0`),
    ...owned(403, 403, 200),
  },
  {
    name: 'long-poll work:{id}',
    right: 'seeker',
    other: 'seeker2',
    probe: rest('GET', (w) => `/api/v1/events/poll?topic=work:${w.run}&timeout=0`),
    ...owned(403, 403, 200),
  },
  // WebSockets: the native protocol's subscribe, and each documented endpoint's welcome (or close).
  {
    name: '/ws subscribe postings',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => nativeProbe(w, token, 'postings'),
    ...sock('subscribed', 'subscribed', 'subscribed'),
  },
  {
    name: '/ws subscribe queue',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => nativeProbe(w, token, 'queue'),
    ...sock('subscribed', 'subscribed', 'subscribed'),
  },
  {
    name: '/ws subscribe user:{id}',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => nativeProbe(w, token, `user:${w.people.seeker.id}`),
    ...sock('forbidden', 'forbidden', 'subscribed'),
  },
  {
    name: '/ws subscribe work:{id}',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => nativeProbe(w, token, `work:${w.run}`),
    ...sock('forbidden', 'forbidden', 'subscribed'),
  },
  {
    name: '/api/v1/ws (channels) as the seeker',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) =>
      socketProbe(
        w,
        token,
        `/api/v1/ws?user_id=${w.people.seeker.id}&channels=jobs`,
        typed('system.connected'),
      ),
    ...sock('open', 4001, 'open'),
  },
  {
    name: '/ws/notifications/',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => socketProbe(w, token, '/ws/notifications/', typed('connection_established')),
    ...sock(4001, 'open', 'open'),
  },
  {
    name: '/api/ws/jobs (job-queue)',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => socketProbe(w, token, '/api/ws/jobs', (f) => f === 'pong', 'ping'),
    ...sock('open', 'open', 'open'),
  },
  {
    name: '/api/v1/ws/jobs (job-feed)',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => socketProbe(w, token, '/api/v1/ws/jobs', typed('connected')),
    ...sock('open', 'open', 'open'),
  },
  {
    name: '/ws/matching-jobs/{id}',
    right: 'seeker',
    other: 'seeker2',
    probe: (w, token) => socketProbe(w, token, `/ws/matching-jobs/${w.run}`, typed('matching.job.status')),
    ...sock(4001, 4001, 'open'),
  },
];

function matchingInput(posting: number) {
  return {
    source: { name: 'CV', text: 'TypeScript engineer' },
    targets: [{ posting_id: posting }],
    criteria: [{ id: 'ts', label: 'TypeScript' }],
  };
}

/** A server with its cast and the things the rows name, made by their owners over REST. */
async function world(t: TestContext, authRequired: boolean): Promise<World> {
  const apiKey = 'matrix-api-key-0123456789';
  const env = {
    JWT_SECRET: TEST_JWT_SECRET,
    JOBSTREAM_API_KEY: apiKey,
    AUTH_REQUIRED: String(authRequired),
    SOURCE_ALLOW_PRIVATE: 'true',
    REGISTER_RATE_LIMIT_PER_MIN: '0',
    LOGIN_RATE_LIMIT_PER_MIN: '0',
  };
  const server = await startServer(t, env);
  const people = {
    seeker: await makePerson(server, 'Seeker', 'job_seeker'),
    seeker2: await makePerson(server, 'Seeker2', 'job_seeker'),
    recruiter: await makePerson(server, 'Recruiter', 'recruiter'),
    recruiter2: await makePerson(server, 'Recruiter2', 'recruiter'),
    admin: await makePerson(server, 'Admin', 'admin'),
  };
  const as = (who: Who) => api(server.url, people[who].token);
  const created = async <T>(call: Promise<{ status: number; body: T }>): Promise<T> => {
    const res = await call;
    assert.ok(res.status < 300, `setting up: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const posting = await created(
    as('recruiter')<{ id: number }>('POST', '/api/v1/jobs', { company: 'Acme', job_title: 'Engineer' }),
  );
  const application = await created(
    as('seeker')<{ id: number }>('POST', '/api/v1/applications', { posting_id: posting.id }),
  );
  const analysis = await created(
    as('seeker')<{ job_id: string }>('POST', `/api/v1/jobs/${posting.id}/analyze`),
  );
  const run = await created(
    as('seeker')<{ job_id: string }>('POST', '/api/v1/matching-jobs', matchingInput(posting.id)),
  );
  const source = await created(
    as('admin')<{ id: number }>('POST', '/api/v1/sources', {
      name: 'matrix',
      kind: 'json',
      url: 'http://127.0.0.1:9/feed.json',
      company: 'M',
      enabled: false,
    }),
  );
  // The cancel row asks about a finished job: wait (bounded) for the analysis to end.
  for (let i = 0; ; i++) {
    const job = await as('seeker')<{ status: string }>('GET', `/api/v1/queue/jobs/${analysis.job_id}`);
    if (job.body.status === 'complete') break;
    assert.ok(i < 200, `the analysis did not finish: ${job.body.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  let n = 0;
  return {
    t,
    url: server.url,
    wsUrl: server.wsUrl,
    people,
    apiKey,
    posting: posting.id,
    application: application.id,
    work: analysis.job_id,
    run: run.job_id,
    source: source.id,
    next: () => ++n,
  };
}

async function tokenFor(w: World, row: Row, credential: Credential): Promise<string | undefined> {
  const right = w.people[row.right];
  switch (credential) {
    case 'none':
      return undefined;
    case 'malformed':
      return 'not-a-jwt';
    case 'expired':
      return mintToken(right, -60);
    case 'foreign':
      return mintToken(right, 3600, FOREIGN_JWT_SECRET);
    case 'other':
      return w.people[row.other].token;
    case 'right':
      return right.token;
  }
}

for (const authRequired of [false, true]) {
  test(`authorization matrix, AUTH_REQUIRED=${authRequired}: ${ROWS.length} endpoints × ${CREDENTIALS.length} credentials`, async (t) => {
    const w = await world(t, authRequired);
    const wrong: string[] = [];
    let cells = 0;
    for (const row of ROWS) {
      const expected = authRequired ? row.on : row.off;
      for (const [i, credential] of CREDENTIALS.entries()) {
        const got = await row.probe(w, await tokenFor(w, row, credential), credential);
        cells++;
        if (got !== expected[i])
          wrong.push(`${row.name} [${credential}]: expected ${expected[i]}, got ${got}`);
      }
    }
    assert.equal(wrong.length, 0, `cells that break the contract:\n${wrong.join('\n')}`);
    assert.equal(cells, ROWS.length * CREDENTIALS.length);
  });
}
