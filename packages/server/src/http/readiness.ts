import type { FastifyInstance } from 'fastify';

/** Where a node is in its life: readiness answers 503 but while `ready`. */
export type Phase = 'starting' | 'ready' | 'draining';

export interface ReadinessDeps {
  readonly phase: () => Phase;
  /** Each dependency's check, by name: resolves when it answers, rejects (with why) when it does not. */
  readonly checks: Readonly<Record<string, () => Promise<unknown>>>;
  /** Longest wait for one check. @default 2000 */
  readonly timeoutMs?: number;
}

/**
 * `GET /ready`: whether this node should be sent traffic. 200 once started with every dependency
 * answering (the store, and Redis when REDIS_URL is set); 503 while starting, while draining (a
 * SIGTERM's shutdown has begun), and while a dependency is down, naming it. `/health` stays the
 * liveness check: it answers as long as the process does.
 */
export function registerReadiness(app: FastifyInstance, deps: ReadinessDeps): void {
  const timeoutMs = deps.timeoutMs ?? 2000;
  app.get(
    '/ready',
    { schema: { summary: 'Readiness: 200 when this node takes traffic, else 503', tags: ['operations'] } },
    async (request, reply) => {
      const phase = deps.phase();
      const checks: Record<string, string> = {};
      let ok = phase === 'ready';
      if (phase !== 'draining') {
        await Promise.all(
          Object.entries(deps.checks).map(async ([name, check]) => {
            // Only 'down' is said: a dependency's error may name hosts or files; the log has it.
            const outcome = await within(check(), timeoutMs).then(
              () => 'ok',
              (error: unknown) => {
                request.log.warn({ err: error, dependency: name }, 'not ready: a dependency is down');
                return 'down';
              },
            );
            checks[name] = outcome;
            if (outcome !== 'ok') ok = false;
          }),
        );
      }
      return reply
        .status(ok ? 200 : 503)
        .send({ status: ok ? 'ready' : phase === 'ready' ? 'unavailable' : phase, checks });
    },
  );
}

function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
