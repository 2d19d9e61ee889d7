import { CommanderError } from 'commander';
import { buildProgram } from './cli/program.js';
import { UsageError } from './cli/usage-error.js';

/**
 * `jobstream`: see `jobstream --help`. Exit codes: 0 done, 1 failed, 2 bad usage or setting (commander
 * has printed its own line by then; ours are one line too, a stack only for the unexpected).
 */
async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv);
  if (argv.length === 0) {
    program.outputHelp();
    return;
  }
  await program.parseAsync(argv, { from: 'user' });
}

/** The exit code for a failure, having printed it. The error classes load here, not on every start. */
async function report(error: unknown): Promise<number> {
  // Help and the version are printed and exit 0; every other commander error is a usage error.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  const [{ ConfigError }, { AppError, describeFields }] = await Promise.all([
    import('./config.js'),
    import('./errors.js'),
  ]);
  if (error instanceof AppError) {
    const fields = error.fields ? `: ${describeFields(error.fields)}` : '';
    process.stderr.write(`jobstream: ${error.message}${fields}\n`);
    return 2;
  }
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`jobstream: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(
    `jobstream: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}

main(process.argv.slice(2)).catch(async (error: unknown) => process.exit(await report(error)));
