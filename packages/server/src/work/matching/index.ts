/** The matching engine (matching-job-stream.md): pure logic plus an HTTP client, no store, no hub. */
export * from './types.js';
export * from './input-schema.js';
export * from './events.js';
export { eventFactory, MAX_ERROR_MESSAGE, type EventFactory } from './event-factory.js';
export { splitSnippets, MAX_SNIPPET_LENGTH } from './snippets.js';
export { HashedTfIdf, cosine, EMBEDDING_DIMENSIONS } from './embedding.js';
export { searchCriteria, indexSnippets, hitRatio, HIT_THRESHOLD, type SearchResult } from './search.js';
export * from './evaluator.js';
export { LocalEvaluator, GOOD_SIMILARITY } from './local-evaluator.js';
export { ChatEvaluator, DEFAULT_LLM_TIMEOUT_MS, type ChatEvaluatorOptions } from './chat-evaluator.js';
export { FallbackEvaluator } from './fallback-evaluator.js';
export { createEvaluator, type EvaluatorEnv } from './create-evaluator.js';
export * from './publisher.js';
export { meanRating, rankCandidates } from './scoring.js';
export * from './run-matching.js';
