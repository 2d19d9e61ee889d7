import { z } from 'zod';
import type { MatchingInput } from './types.js';

/** Most criteria in one run. */
export const MAX_CRITERIA = 50;
/** Most targets in one run. */
export const MAX_TARGETS = 1000;
/** Longest source or target text, in characters. */
export const MAX_TEXT_LENGTH = 200_000;
/** Largest snippet limit of a criterion. */
export const MAX_SNIPPET_LIMIT = 50;

const text = z.string().max(MAX_TEXT_LENGTH);
const name = z.string().trim().min(1).max(500);
const limit = z.number().int().min(0).max(MAX_SNIPPET_LIMIT).optional();

/**
 * A resolved matching input (texts, not `{posting_id}` references), as a job's payload keeps it:
 * at least one criterion and one target, unique ids, bounded sizes. Defaults are applied by the engine.
 */
export const MatchingInputSchema = z.object({
  source: z.object({ name, text }),
  targets: z
    .array(z.object({ id: z.string().min(1).max(200), name, text }))
    .min(1)
    .max(MAX_TARGETS)
    .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, 'target ids must be unique'),
  criteria: z
    .array(
      z.object({
        id: z.string().min(1).max(200),
        label: name,
        guidance: z.string().max(2000).nullish(),
        weight: z.number().min(0).max(1000).optional(),
        source_snippet_limit: limit,
        target_snippet_limit: limit,
      }),
    )
    .min(1)
    .max(MAX_CRITERIA)
    .refine((cs) => new Set(cs.map((c) => c.id)).size === cs.length, 'criterion ids must be unique'),
});

/** Validates an unknown value (a stored job payload, say) as a {@link MatchingInput}; throws a ZodError. */
export function parseMatchingInput(value: unknown): MatchingInput {
  return MatchingInputSchema.parse(value);
}
