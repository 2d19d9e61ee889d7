import { Command, InvalidArgumentError, Option } from 'commander';
import type { Config, SettingName } from '../config.js';
import { version } from '../version.js';
import { UsageError } from './usage-error.js';

/** What `scrape --once` reads of the settings: the store, how feeds are fetched, the log level. */
const scrapeSettings: SettingName[] = [
  'databaseUrl',
  'scrapeTimeoutMs',
  'scrapeMaxBytes',
  'sourceAllowPrivate',
  'logLevel',
];

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function seq(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError('a seq is a whole number, 0 or more.');
  return n;
}

/** `--database-url` of the `user` commands, beside DATABASE_URL (the flag wins). */
function databaseOption(command: Command): () => Promise<Config> {
  command.addOption(
    new Option('--database-url <url>', 'the store (env DATABASE_URL, default sqlite:./data/jobstream.db)'),
  );
  return async () => {
    const { databaseUrl } = command.opts<{ databaseUrl?: string }>();
    const { loadConfig } = await import('../config.js');
    return loadConfig(process.env, databaseUrl === undefined ? {} : { databaseUrl });
  };
}

/**
 * The `jobstream` command line for `argv`. Each command's work is imported when it runs, and the
 * settings (zod schemas and all) only for the commands that take them, so that `--help` and
 * `--version` load next to nothing. An action that has an exit code of its own sets process.exitCode.
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const chosen = argv.find((arg) => !arg.startsWith('-'));
  const { withSettings } =
    chosen === 'serve' || chosen === 'worker' || chosen === 'scrape' || chosen === 'help'
      ? await import('./setting-options.js')
      : { withSettings: () => () => Promise.reject(new Error('settings were not loaded')) };
  const program = new Command('jobstream')
    .description(`jobstream ${version}: real-time job events`)
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .showSuggestionAfterError()
    .exitOverride();
  program.configureHelp({ sortSubcommands: false });

  const serveCommand = program
    .command('serve')
    .description('run the server (the embedded defaults need no setting at all)')
    .option(
      '--demo',
      'with demo users and job boards: postings arrive, are analysed and matched live (log in as ada@demo.test, password demo-password)',
    );
  const serveConfig = withSettings(serveCommand);
  serveCommand.action(async (options: { demo?: boolean }) => {
    const { serve } = await import('./run-server.js');
    await serve(await serveConfig(), { demo: options.demo === true });
  });

  const workerCommand = program
    .command('worker')
    .description('run background work from the queue in Redis (REDIS_URL or REDIS_HOST); no HTTP');
  const workerConfig = withSettings(workerCommand);
  workerCommand.action(async () => {
    const { worker } = await import('./run-server.js');
    await worker(await workerConfig());
  });

  const user = program
    .command('user')
    .description('manage users in the store (DATABASE_URL or --database-url)');
  const add = user
    .command('add')
    .description('create a user: the first admin, say')
    .requiredOption('--email <email>', 'their email (the login)')
    .requiredOption('--password <password>', 'at least 8 characters')
    .requiredOption('--role <role>', 'job_seeker, recruiter or admin')
    .option('--name <name>', 'shown name (default: the email before @)');
  const addConfig = databaseOption(add);
  add.action(async (options: { email: string; password: string; role: string; name?: string }) => {
    const { userAdd } = await import('./user.js');
    const { email, password, role, name } = options;
    await userAdd(await addConfig(), { email, password, role, ...(name !== undefined && { name }) });
  });
  const ls = user
    .command('list')
    .description('list the users, oldest first')
    .option('--json', 'one JSON object a line');
  const lsConfig = databaseOption(ls);
  ls.action(async (options: { json?: boolean }) => {
    const { userList } = await import('./user.js');
    await userList(await lsConfig(), { json: options.json === true });
  });

  program
    .command('tail')
    .description('print the events of topics as they arrive; reconnects and resumes across server restarts')
    .argument('[topics...]', 'topics to follow', ['postings', 'scrapes', 'queue'])
    .addOption(new Option('--url <url>', 'the server').env('JOBSTREAM_URL').default('http://localhost:8000'))
    .addOption(
      new Option('--token <token>', 'an access token (for user: and work: topics)').env('JOBSTREAM_TOKEN'),
    )
    .option('--since <seq>', 'start after this seq of each topic (0: all the history the server keeps)', seq)
    .option('--types <types>', 'only these event types, comma-separated (a prefix ends in ".")', list)
    .option('--json', 'each event as one JSON object a line')
    .addHelpText(
      'after',
      "\nEvents go to stdout (coloured by type on a terminal, unless NO_COLOR is set); the connection's ups and downs to stderr. Runs until Ctrl-C.\n",
    )
    .action(
      async (
        topics: string[],
        options: { url: string; token?: string; since?: number; types?: string[]; json?: boolean },
      ) => {
        const { tail } = await import('./tail.js');
        await tail(topics, { ...options, json: options.json === true });
      },
    );

  const scrape = program
    .command('scrape')
    .description("scrape job sources now (job-feed.md's run-once) and print what each found")
    .argument('[source]', "the source's name (default: every enabled source)")
    .option('--once', 'scrape once and exit (the only mode; the server scrapes on schedule)')
    .option('--json', "each source's report as one JSON object a line");
  const scrapeConfig = withSettings(scrape, scrapeSettings);
  scrape.addHelpText(
    'after',
    'Exit code: 0 when every scrape completed without errors, 1 when one failed or counted errors.\n',
  );
  scrape.action(async (source: string | undefined, options: { once?: boolean; json?: boolean }) => {
    if (options.once !== true)
      throw new UsageError('jobstream scrape needs --once (the server itself scrapes on schedule)');
    const { scrapeOnce } = await import('./scrape-once.js');
    process.exitCode = await scrapeOnce(await scrapeConfig(), source, { json: options.json === true });
  });

  program
    .command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`${version}\n`);
    });

  program.addHelpText(
    'after',
    '\nExit codes: 0 done; 1 failed (scrape: a source failed); 2 bad usage or setting (an unknown flag, a bad value, a port in use).\n',
  );
  return program;
}
