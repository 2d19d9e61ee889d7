import { parseArgs } from 'node:util';
import { ConfigError, describeConfig, flagOf, loadConfig, settings, type SettingName } from './config.js';
import { userAddCommand } from './auth/user-command.js';
import { AppError, describeFields } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { openStore } from './store/store.js';
import { createJobstream } from './server.js';
import { bullWorker, createWorkParts } from './work/work-node.js';
import { version } from './version.js';

const names = Object.keys(settings) as SettingName[];

function help(): string {
  const rows = names.map((name) => {
    const s = settings[name];
    const def = 'default' in s ? ` (default ${s.default || '""'})` : '';
    return `  --${flagOf(name).padEnd(24)} ${s.env.padEnd(22)} ${s.help}${def}`;
  });
  return `jobstream ${version}: real-time job events

Usage:
  jobstream serve [flags]     run the server
  jobstream serve --demo      the same, with demo users and job boards: postings arrive, get analysed
                              and matched live (log in as ada@demo.test, password demo-password)
  jobstream worker [flags]    run background work from the queue in REDIS_URL (same flags as serve)
  jobstream user add --email E --password P --role job_seeker|recruiter|admin [--name N]
                              create a user (the first admin, say) in DATABASE_URL's store
  jobstream --version
  jobstream --help

Flags of serve (each mirrors an environment variable; flags win):
${rows.join('\n')}
`;
}

/** The settings of `serve` and `worker`: environment, then flags (which win). */
function settingsFrom(args: string[], extra: Record<string, { type: 'boolean' }> = {}) {
  const options = Object.fromEntries(names.map((n) => [flagOf(n), { type: 'string' as const }]));
  const { values } = parseArgs({
    args,
    options: { ...options, ...extra, help: { type: 'boolean' } },
    strict: true,
  });
  const flags: Partial<Record<SettingName, string>> = {};
  for (const name of names) {
    const value = (values as Record<string, string | boolean | undefined>)[flagOf(name)];
    if (typeof value === 'string') flags[name] = value;
  }
  return { help: values.help === true, values, config: () => loadConfig(process.env, flags) };
}

/** Runs until SIGTERM or SIGINT, then `close` (forced out after 10 s). */
function untilSignalled(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function serve(args: string[]): Promise<void> {
  const parsed = settingsFrom(args, { demo: { type: 'boolean' } });
  if (parsed.help) {
    process.stdout.write(help());
    return;
  }
  const config = parsed.config();
  const logger = createLogger(config.logLevel);
  const server = await createJobstream(config, logger, {
    demo: (parsed.values as { demo?: boolean }).demo === true,
  });
  untilSignalled(logger, () => server.close());
  await server.listen();
}

/** `jobstream worker`: runs background work from the BullMQ queue in REDIS_URL; no HTTP. */
async function worker(args: string[]): Promise<void> {
  const parsed = settingsFrom(args);
  if (parsed.help) {
    process.stdout.write(help());
    return;
  }
  const config = parsed.config();
  const redisUrl = config.redisUrl;
  if (redisUrl === undefined) {
    throw new ConfigError(
      'jobstream worker takes its work from Redis: set REDIS_URL (without it, jobstream serve runs the work itself)',
    );
  }
  const logger = createLogger(config.logLevel);
  const store = await openStore(config.databaseUrl, { logger });
  const parts = createWorkParts(store, config, logger, { mode: 'external' });
  const running = bullWorker(parts, { ...config, redisUrl }, logger);
  untilSignalled(logger, async () => {
    await running.stop();
    await store.close();
  });
  await running.start();
  logger.info(
    { version, concurrency: config.workConcurrency, settings: describeConfig(config) },
    'jobstream worker running',
  );
}

/** `jobstream user add --email … --password … --role … [--name …]`: creates a user, such as the first admin. */
async function userAdd(args: string[]): Promise<void> {
  const config = loadConfig(process.env);
  const store = await openStore(config.databaseUrl);
  try {
    const user = await userAddCommand(store, args);
    process.stdout.write(`created ${user.role} ${user.email} (${user.id})\n`);
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(help());
    return;
  }
  if (command === '--version') {
    process.stdout.write(`${version}\n`);
    return;
  }
  if (command === 'serve') return serve(rest);
  if (command === 'worker') return worker(rest);
  if (command === 'user' && rest[0] === 'add') return userAdd(rest.slice(1));
  process.stderr.write(`unknown command "${command}"\n\n${help()}`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof AppError) {
    const fields = error.fields ? `: ${describeFields(error.fields)}` : '';
    process.stderr.write(`jobstream: ${error.message}${fields}\n`);
    process.exit(2);
  }
  if (
    error instanceof ConfigError ||
    (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
  ) {
    process.stderr.write(`jobstream: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `jobstream: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
