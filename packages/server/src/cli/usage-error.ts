/**
 * A mistake of the person at the terminal (a taken port, an unknown source): printed as one line,
 * without a stack, and the process exits with 2, as for a bad setting.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
