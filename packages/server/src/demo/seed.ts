import type { FastifyInstance } from 'fastify';
import { ErrorCode, type Role } from '@jobstream/protocol';
import type { Principal } from '../auth/principal.js';
import type { ProfileService } from '../domain/profiles.js';
import type { PostingService } from '../domain/postings.js';
import type { UserService } from '../domain/users.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MatchingRuns } from '../work/matching-runs.js';
import type { Scrapes } from '../work/scrape/scrapes.js';
import type { SourceService } from '../work/scrape/sources.js';
import { render, shown, type BoardName } from './catalogue.js';

const PASSWORD = 'demo-password';
const SEEKER = { email: 'ada@demo.test', name: 'Ada Seeker', role: 'job_seeker' as const };
const RECRUITER = { email: 'rita@demo.test', name: 'Rita Recruiter', role: 'recruiter' as const };
const ADMIN = { email: 'admin@demo.test', name: 'Demo Admin', role: 'admin' as const };
const RESUME =
  'Backend engineer, 6 years of TypeScript and Node.js. Built real-time APIs with WebSocket fan-out, ' +
  'Redis streams and PostgreSQL; some React on the side. Looking for remote backend or platform roles.';

/** The demo's job boards: they grow from the moment the demo was first seeded. */
export interface DemoBoards {
  /** The demo began at `at` (ms): a restarted demo's boards are as long as they had grown. */
  startedAt(at: number): void;
}

/** The demo's boards at `/demo/boards/{greenhouse|lever|rss}`, each growing as the demo runs. */
export function registerDemoBoards(app: FastifyInstance): DemoBoards {
  let startedAt = Date.now();
  app.get<{ Params: { board: string } }>('/demo/boards/:board', (req, reply) => {
    const board = req.params.board as BoardName;
    if (!['greenhouse', 'lever', 'rss'].includes(board)) return reply.status(404).send();
    const base = `${req.protocol}://${req.host}/demo`;
    const body = render(board, base, shown(board, Date.now() - startedAt));
    return reply.type(board === 'rss' ? 'application/rss+xml' : 'application/json').send(body);
  });
  return {
    startedAt(at) {
      startedAt = at;
    },
  };
}

export interface DemoDeps {
  readonly boards: DemoBoards;
  readonly users: UserService;
  readonly profiles: ProfileService;
  readonly postings: PostingService;
  readonly sources: SourceService;
  readonly scrapes: Scrapes;
  readonly matching: MatchingRuns;
  readonly logger: Logger;
}

/**
 * `jobstream serve --demo`: demo users (a seeker with a profile, a recruiter, an admin; the password of
 * each is `demo-password`), three scrape sources on the demo boards every 10 s, a first scrape at once
 * and a matching run of the seeker's résumé against what it found. Safe to run again on the same store.
 */
export async function seedDemo(deps: DemoDeps, baseUrl: string): Promise<void> {
  const { users, profiles, sources, scrapes, logger } = deps;
  const seeker = await ensureUser(users, SEEKER);
  // Its boards grow from the first seed on: a restart does not shrink them (and close their postings).
  deps.boards.startedAt(Date.parse(seeker.created_at));
  await ensureUser(users, RECRUITER);
  const admin = await ensureUser(users, ADMIN);
  const asSeeker: Principal = { userId: seeker.id, role: 'job_seeker', expiresAt: null };
  const asAdmin: Principal = { userId: admin.id, role: 'admin', expiresAt: null };
  await profiles.put(asSeeker, {
    skills: ['TypeScript', 'Node.js', 'PostgreSQL', 'Redis', 'WebSocket', 'React'],
    desired_titles: ['Backend Engineer', 'Platform Engineer'],
    locations: ['Remote', 'Berlin'],
    remote_preference: 'remote',
  });
  const existing = new Map((await sources.list()).map((s) => [s.name, s]));
  const boards: [string, BoardName, 'greenhouse' | 'lever' | 'rss', string][] = [
    ['demo-northwind', 'greenhouse', 'greenhouse', 'Northwind'],
    ['demo-globex', 'lever', 'lever', 'Globex'],
    ['demo-initech', 'rss', 'rss', 'Initech'],
  ];
  for (const [name, board, kind, company] of boards) {
    const url = `${baseUrl}/demo/boards/${board}`;
    const known = existing.get(name);
    if (known) {
      // A demo started before, perhaps on another port.
      if (known.url !== url) await sources.update(asAdmin, known.id, { url });
      continue;
    }
    await sources.create(
      asAdmin,
      { name, kind, url, company, interval_seconds: 10, enabled: true },
      { demo: true },
    );
  }
  await scrapes.request(asAdmin, {});
  // Once the first scrapes are in, match the seeker's résumé against what they found.
  const later = setTimeout(() => {
    void matchResume(deps, asSeeker).catch((error: unknown) =>
      logger.warn({ err: error }, 'demo matching run not started'),
    );
  }, 5000);
  later.unref();
  logger.info(
    {
      seeker: SEEKER.email,
      recruiter: RECRUITER.email,
      admin: ADMIN.email,
      password: PASSWORD,
      try: [
        `curl -N '${baseUrl}/api/v1/events?topics=postings,scrapes,queue'`,
        `log in as ${SEEKER.email} and subscribe to user:${seeker.id} for analyses and recommendations`,
      ],
    },
    'demo seeded: postings arrive every few seconds',
  );
}

async function matchResume(deps: DemoDeps, asSeeker: Principal): Promise<void> {
  const active = await deps.postings.list({ is_active: 'true', limit: 10, offset: 0 });
  if (active.items.length === 0) return;
  await deps.matching.start(asSeeker, {
    source: { name: 'Ada’s résumé', text: RESUME },
    targets: active.items.map((posting) => ({ posting_id: posting.id })),
    criteria: [
      { id: 'stack', label: 'TypeScript and Node.js backend experience', weight: 2 },
      { id: 'realtime', label: 'Real-time systems: WebSocket, Redis, streaming' },
      { id: 'remote', label: 'Remote-friendly role' },
    ],
  });
}

async function ensureUser(
  users: UserService,
  user: { email: string; name: string; role: Role },
): Promise<{ id: string; created_at: string }> {
  try {
    return await users.createUser({ ...user, password: PASSWORD });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== ErrorCode.conflict) throw error;
    return users.login({ email: user.email, password: PASSWORD });
  }
}
