import { z } from 'zod';
import { privateAllowSchema, trustProxySchema } from './network-settings.js';
import { originListSchema } from './origin-list.js';
import { ConfigError } from './config-error.js';
import { redisUrlFromParts } from './redis-parts.js';

export { ConfigError };

/**
 * Every setting: its environment variable, the `jobstream serve` flag that mirrors it, its default and
 * its meaning. README's configuration table lists the same rows.
 */
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
/** A base64url key of `bytes` bytes (VAPID keys, as web-push and browsers write them). */
const base64urlKey = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, `must be base64url (${what})`)
    .refine((v) => Buffer.from(v, 'base64url').length === bytes, `must be ${bytes} bytes (${what})`);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const settings = {
  port: { env: 'PORT', schema: int(0, 65535), default: '8000', help: 'HTTP port' },
  host: { env: 'HOST', schema: z.string().min(1), default: '0.0.0.0', help: 'address to listen on' },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: z.string().regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://'),
    default: 'sqlite:./data/jobstream.db',
    help: 'sqlite:FILE or postgres://… (used by the store)',
  },
  redisUrl: {
    env: 'REDIS_URL',
    schema: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis://')
      .optional(),
    help: 'Redis for the broker and work queue of a cluster (unset: embedded, or built from REDIS_HOST…)',
  },
  redisHost: {
    env: 'REDIS_HOST',
    schema: z.string().min(1).optional(),
    help: 'without REDIS_URL: Redis at redis://REDIS_HOST:REDIS_PORT/REDIS_DB (with REDIS_PASSWORD)',
  },
  redisPort: { env: 'REDIS_PORT', schema: int(1, 65535).optional(), help: 'with REDIS_HOST (6379)' },
  redisDb: { env: 'REDIS_DB', schema: int(0, 65535).optional(), help: 'with REDIS_HOST (0)' },
  redisPassword: {
    env: 'REDIS_PASSWORD',
    schema: z.string().min(1).optional(),
    help: 'with REDIS_HOST',
    secret: true,
  },
  redisPrefix: {
    env: 'REDIS_PREFIX',
    schema: z.string().min(1).max(64),
    default: 'jobstream:',
    help: 'put before every Redis key and channel; the nodes of one cluster share it, another cluster on the same Redis needs its own',
  },
  jwtSecret: {
    env: 'JWT_SECRET',
    schema: z.string().min(16).optional(),
    help: 'HS256 secret for JWTs',
    secret: true,
  },
  jwtJwksUrl: { env: 'JWT_JWKS_URL', schema: z.url().optional(), help: 'JWKS URL for RS256/ES256 JWTs' },
  apiKey: {
    env: 'JOBSTREAM_API_KEY',
    schema: z.string().min(8).optional(),
    help: 'key for POST /api/v1/publish (unset: only programs on this machine, not through a proxy)',
    secret: true,
  },
  metricsToken: {
    env: 'METRICS_TOKEN',
    schema: z.string().min(8).optional(),
    help: 'bearer token GET /metrics asks for (unset: anyone who reaches the port may read it)',
    secret: true,
  },
  greenhouseWebhookSecret: {
    env: 'GREENHOUSE_WEBHOOK_SECRET',
    schema: z.string().min(8).optional(),
    help: "Greenhouse web hooks' secret key (unset: POST /api/v1/webhooks/greenhouse answers 401)",
    secret: true,
  },
  leverWebhookSecret: {
    env: 'LEVER_WEBHOOK_SECRET',
    schema: z.string().min(8).optional(),
    help: "Lever webhooks' signature token (unset: POST /api/v1/webhooks/lever answers 401)",
    secret: true,
  },
  ashbyWebhookSecret: {
    env: 'ASHBY_WEBHOOK_SECRET',
    schema: z.string().min(8).optional(),
    help: "Ashby webhooks' secret token (unset: POST /api/v1/webhooks/ashby answers 401)",
    secret: true,
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    schema: trustProxySchema,
    default: 'false',
    help: 'reverse proxies whose X-Forwarded-For is believed: false, true, a hop count, or addresses/CIDRs',
  },
  loginRateLimitPerMin: {
    env: 'LOGIN_RATE_LIMIT_PER_MIN',
    schema: int(0),
    default: '10',
    help: 'logins per client address per minute before 429 (0: no limit)',
  },
  registerRateLimitPerMin: {
    env: 'REGISTER_RATE_LIMIT_PER_MIN',
    schema: int(0),
    default: '5',
    help: 'registrations per client address per minute before 429 (0: no limit)',
  },
  authRequired: {
    env: 'AUTH_REQUIRED',
    schema: bool,
    default: 'false',
    help: 'demand credentials everywhere',
  },
  localOwner: {
    env: 'LOCAL_OWNER',
    schema: z.enum(['auto', 'on', 'off']),
    default: 'auto',
    help: 'callers without credentials are the local owner (a job seeker) — auto: on one node while no account exists and AUTH_REQUIRED is off; on: always (a personal server; not with AUTH_REQUIRED); off: never',
  },
  corsOrigins: {
    env: 'CORS_ORIGINS',
    schema: originListSchema,
    default: '*',
    help: 'browser origins allowed to call the HTTP API: * (any, without cookies), a comma-separated list (with cookies), or empty (none)',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    help: 'log level',
  },
  heartbeatIntervalMs: {
    env: 'HEARTBEAT_INTERVAL_MS',
    schema: int(50),
    default: '30000',
    help: 'heartbeat interval; a peer silent for two intervals is dropped',
  },
  maxPayloadBytes: {
    env: 'MAX_PAYLOAD_BYTES',
    schema: int(256),
    default: '65536',
    help: 'largest client frame or publish body',
  },
  maxJsonDepth: {
    env: 'MAX_JSON_DEPTH',
    schema: int(1, 512),
    default: '32',
    help: 'deepest nesting of objects and arrays in a JSON request body ({} is 1); deeper is refused with 400',
  },
  sendBufferBytes: {
    env: 'SEND_BUFFER_BYTES',
    schema: int(1024),
    default: '1048576',
    help: 'most bytes queued for one connection before it is closed with 4008',
  },
  rateLimitPerSec: {
    env: 'RATE_LIMIT_PER_SEC',
    schema: int(1),
    default: '50',
    help: 'client messages per second (token bucket refill)',
  },
  rateLimitBurst: {
    env: 'RATE_LIMIT_BURST',
    schema: int(1),
    default: '100',
    help: 'client message burst; as many refusals again close with 1008',
  },
  maxConnections: {
    env: 'MAX_CONNECTIONS',
    schema: int(1),
    default: '100000',
    help: 'open connections before new ones are closed with 4029',
  },
  workConcurrency: {
    env: 'WORK_CONCURRENCY',
    schema: int(1, 64),
    default: '2',
    help: 'background work jobs run at once by the embedded runner',
  },
  workLockMs: {
    env: 'WORK_LOCK_MS',
    schema: int(1000, 600_000),
    default: '30000',
    help: 'with REDIS_URL: a worker silent this long has its running work handed to another (as a retry)',
  },
  schedulerTickMs: {
    env: 'SCHEDULER_TICK_MS',
    schema: int(50, 60_000),
    default: '1000',
    help: 'how often due scrapes, interview reminders and follow-ups are looked for',
  },
  inboxRetentionDays: {
    env: 'INBOX_RETENTION_DAYS',
    schema: int(1, 3650),
    default: '90',
    help: 'inbox items older than this many days are deleted (checked every minute)',
  },
  followupDays: {
    env: 'FOLLOWUP_DAYS',
    schema: int(1, 60),
    default: '5',
    help: 'applying proposes a follow-up this many business days later (weekends skipped)',
  },
  scrapeTimeoutMs: {
    env: 'SCRAPE_TIMEOUT_MS',
    schema: int(100, 300_000),
    default: '15000',
    help: 'longest wait for one scrape source to answer',
  },
  scrapeMaxBytes: {
    env: 'SCRAPE_MAX_BYTES',
    schema: int(1024),
    default: '5242880',
    help: 'largest feed a scrape reads; a bigger one is cut off and counted as an error',
  },
  sourceAllowPrivate: {
    env: 'SOURCE_ALLOW_PRIVATE',
    schema: privateAllowSchema,
    default: 'false',
    help: 'scrape sources on private addresses: false, true, or hostnames/addresses/CIDRs',
  },
  pushAllowPrivate: {
    env: 'PUSH_ALLOW_PRIVATE',
    schema: privateAllowSchema,
    default: 'false',
    help: 'Web Push endpoints on private addresses (and plain http): false, true, or hostnames/addresses/CIDRs',
  },
  vapidPublicKey: {
    env: 'VAPID_PUBLIC_KEY',
    schema: base64urlKey(65, 'an uncompressed P-256 public key').optional(),
    help: 'Web Push VAPID public key, base64url (with VAPID_PRIVATE_KEY; unset: generated and kept)',
  },
  vapidPrivateKey: {
    env: 'VAPID_PRIVATE_KEY',
    schema: base64urlKey(32, 'a P-256 private key').optional(),
    help: 'its private key, base64url',
    secret: true,
  },
  vapidSubject: {
    env: 'VAPID_SUBJECT',
    schema: z.string().regex(/^(mailto:.+|https:\/\/.+)$/, 'must be a mailto: or https: URL'),
    default: 'mailto:webpush@jobstream.invalid',
    help: 'the contact push services see in the VAPID token (mailto: or https:)',
  },
  llmBaseUrl: {
    env: 'LLM_BASE_URL',
    schema: z.url().optional(),
    help: 'OpenAI-compatible API for matching evaluations (unset: the local evaluator)',
  },
  llmApiKey: { env: 'LLM_API_KEY', schema: z.string().min(1).optional(), help: 'its API key', secret: true },
  llmModel: {
    env: 'LLM_MODEL',
    schema: z.string().min(1).optional(),
    help: 'its model (required with LLM_BASE_URL)',
  },
  llmFallback: {
    env: 'LLM_FALLBACK',
    schema: z.enum(['none', 'local']),
    default: 'none',
    help: 'when an LLM evaluation fails: none (the run fails with the error) or local',
  },
  llmTimeoutMs: { env: 'LLM_TIMEOUT_MS', schema: int(100), default: '20000', help: 'per LLM request' },
  historySize: { env: 'HISTORY_SIZE', schema: int(0), default: '1000', help: 'events kept per topic' },
  historyAgeMs: {
    env: 'HISTORY_AGE_MS',
    schema: int(1000),
    default: '3600000',
    help: 'how long events stay in history',
  },
} as const satisfies Record<
  string,
  { env: string; schema: z.ZodType; default?: string; help: string; secret?: boolean }
>;

type Settings = typeof settings;
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> };
export type SettingName = keyof Settings;

/** The flag that mirrors a setting: `--heartbeat-interval-ms`; the API key is `--api-key`. */
export function flagOf(name: SettingName): string {
  const env = settings[name].env.replace(/^JOBSTREAM_/, '');
  return env.toLowerCase().replaceAll('_', '-');
}

/**
 * Builds the configuration from the environment and flags (flags win). A bad value throws a
 * ConfigError naming the variable.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: Readonly<Partial<Record<SettingName, string>>> = {},
): Config {
  const out: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settings) as [SettingName, Settings[SettingName]][]) {
    const raw =
      flags[name] ?? nonEmpty(env[setting.env]) ?? ('default' in setting ? setting.default : undefined);
    const parsed = (setting.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      throw new ConfigError(
        `${setting.env} (--${flagOf(name)}) is invalid: ${why} (got ${JSON.stringify(raw)})`,
      );
    }
    out[name] = parsed.data;
  }
  const config = out as Config;
  if (config.localOwner === 'on' && config.authRequired) {
    throw new ConfigError(
      'LOCAL_OWNER (--local-owner) is on, but AUTH_REQUIRED demands credentials: choose one',
    );
  }
  if ((config.vapidPublicKey === undefined) !== (config.vapidPrivateKey === undefined)) {
    throw new ConfigError('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together: set both or neither');
  }
  return { ...config, redisUrl: config.redisUrl ?? redisUrlFromParts(config) };
}

/** The settings in force, secrets replaced, for the start-up log line. */
export function describeConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settings) as [SettingName, Settings[SettingName]][]) {
    const value = config[name];
    out[name] = 'secret' in setting && setting.secret && value !== undefined ? '(set)' : (value ?? null);
  }
  if (typeof out.databaseUrl === 'string') out.databaseUrl = out.databaseUrl.replace(/\/\/[^@/]*@/, '//***@');
  if (typeof out.redisUrl === 'string') out.redisUrl = out.redisUrl.replace(/\/\/[^@/]*@/, '//***@');
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
