/** The matching engine (matching-job-stream.md): pure logic plus an HTTP client, no store, no hub. */
export { runMatching } from './run-matching.js';
export type { RunMatchingDeps, MatchingOutcome, MatchingPhase } from './run-matching.js';
export { eventFactory } from './event-factory.js';
export type { MatchingInput, MatchResult } from './types.js';
export { parseMatchingInput } from './input-schema.js';
export type { Evaluator } from './evaluator.js';
export { EvaluatorError } from './evaluator.js';
export { createEvaluator } from './create-evaluator.js';
export type { EvaluatorEnv } from './create-evaluator.js';
export { nullPublisher } from './publisher.js';
export type { MatchingPublisher } from './publisher.js';
