import { z } from 'zod';

/**
 * A browser origin as its Origin header spells it (`https://app.example`, `http://localhost:5173`):
 * an entry with a path, a trailing slash or capitals would never match one, so it is refused at start
 * instead of silently allowing nothing.
 */
function isOrigin(entry: string): boolean {
  if (!URL.canParse(entry)) return false;
  const url = new URL(entry);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry;
}

/** CORS_ORIGINS: a comma-separated list of origins or `*`; empty allows none. */
export const originListSchema = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .superRefine((entries, ctx) => {
    for (const entry of entries) {
      if (entry === '*' || isOrigin(entry)) continue;
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(entry)} is not an origin: write scheme://host[:port] without a path, like https://app.example, or *`,
      });
    }
  });
