import type { EvaluationInput } from './evaluator.js';

/** The system prompt: the task and the one answer format accepted. */
export const SYSTEM_PROMPT = [
  'You evaluate how well a target (for example a job posting) matches a source (for example a résumé)',
  'on one criterion, using only the passages given.',
  'Answer with one JSON object and nothing else:',
  '{"rating": "GOOD" | "NEUTRAL" | "BAD", "reason": "<one or two plain sentences>"}.',
  'GOOD: the passages show a clear match on the criterion.',
  'NEUTRAL: a partial or uncertain match.',
  'BAD: no match, or one side says nothing about the criterion.',
].join('\n');

/** The user prompt for one evaluation: the criterion, then both sides' passages, numbered. */
export function userPrompt({ criterion, sourceSnippets, targetSnippets, target }: EvaluationInput): string {
  const list = (snippets: readonly string[]) =>
    snippets.length === 0 ? '(none found)' : snippets.map((s, i) => `${i + 1}. ${s}`).join('\n');
  return [
    `Criterion: ${criterion.label}`,
    `Guidance: ${criterion.guidance ?? '(none)'}`,
    `Importance weight: ${criterion.weight}`,
    '',
    'Source passages:',
    list(sourceSnippets),
    '',
    `Target: ${target.name}`,
    'Target passages:',
    list(targetSnippets),
  ].join('\n');
}
