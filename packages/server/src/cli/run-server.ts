import { describeConfig, type Config } from '../config.js';
import { inboxRows } from '../domain/inbox-rows.js';
import { createLogger } from '../logger.js';
import { createJobstream } from '../server.js';
import { openStore } from '../store/open-store.js';
import { version } from '../version.js';
import { createWorkParts } from '../work/work-node.js';
import { createWorkQueue } from '../work/work-queue.js';
import { untilSignalled } from './signals.js';
import { UsageError } from './usage-error.js';

/** `jobstream serve`: the server, until SIGTERM or SIGINT. */
export async function serve(config: Config, options: { demo: boolean }): Promise<void> {
  const logger = createLogger(config.logLevel);
  const server = await createJobstream(config, logger, { demo: options.demo });
  untilSignalled(logger, () => server.close());
  try {
    await server.listen();
  } catch (error) {
    await server.close().catch(() => undefined);
    throw listenProblem(error, config) ?? error;
  }
}

/** The line to print when the port cannot be had: a taken port is a setting to change, not a crash. */
function listenProblem(error: unknown, config: Config): UsageError | undefined {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  const where = `port ${config.port} on ${config.host}`;
  if (code === 'EADDRINUSE')
    return new UsageError(`${where} is already in use: choose another with PORT or --port`);
  if (code === 'EACCES')
    return new UsageError(`not allowed to listen on ${where}: choose another with PORT or --port`);
  if (code === 'EADDRNOTAVAIL')
    return new UsageError(`${config.host} is not an address of this machine: set HOST or --host`);
  return undefined;
}

/** `jobstream worker`: runs background work from the BullMQ queue in Redis; no HTTP. */
export async function worker(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const workQueue = createWorkQueue(config, logger, 'worker');
  const store = await openStore(config.databaseUrl, { logger, eventRows: inboxRows });
  const running = workQueue(createWorkParts(store, config, logger));
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
