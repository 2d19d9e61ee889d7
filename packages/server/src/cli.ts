import { CommanderError } from 'commander';
import { ConfigError } from './config.js';
import { AppError, describeFields } from './errors.js';
import { buildProgram } from './cli/program.js';
import { UsageError } from './cli/usage-error.js';

/**
 * `jobstream`: see `jobstream --help`. Exit codes: 0 done, 1 failed, 2 bad usage or setting (commander
 * has printed its own line by then; ours are one line too, a stack only for the unexpected).
 */
async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return;
  }
  await program.parseAsync(argv, { from: 'user' });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Help and the version are printed and exit 0; every other commander error is a usage error.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof AppError) {
    const fields = error.fields ? `: ${describeFields(error.fields)}` : '';
    process.stderr.write(`jobstream: ${error.message}${fields}\n`);
    process.exit(2);
  }
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`jobstream: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `jobstream: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
