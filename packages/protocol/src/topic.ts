import { z } from 'zod';

/**
 * A topic name: a lowercase name, optionally followed by `:` and an id
 * (`postings`, `work:6f1c…`, `user:42`, `role:recruiter`).
 */
export const topicPattern = /^[a-z][a-z0-9_-]{0,63}(?::[A-Za-z0-9][A-Za-z0-9_.:-]{0,127})?$/;

export const Topic = z
  .string()
  .regex(topicPattern, 'a topic is a lowercase name, optionally followed by ":" and an id');

/** Event types are dotted lowercase names such as `posting.created`. */
export const EventType = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$/, 'an event type is a dotted lowercase name');

/**
 * A type filter entry: an exact event type, or a prefix ending in `.` (`work.`). At most 100
 * characters, far longer than any event type: a subscription keeps its filters for its whole life.
 */
export const TypeFilter = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9_.]*$/, 'a type filter is an event type or a prefix ending in "."');
