/** A setting that does not hold: the message names the variable (the server stops at start). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
