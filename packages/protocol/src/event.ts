import { z } from 'zod';
import { EventType, Topic } from './topic.js';

/** A canonical event as the hub orders it: `seq` is per topic, from 1, with no gaps; `id` is `topic@seq`. */
export interface CanonicalEvent {
  readonly id: string;
  readonly topic: string;
  readonly seq: number;
  readonly type: string;
  /** ISO 8601, UTC. */
  readonly ts: string;
  readonly data: unknown;
}

/** `POST /api/v1/publish` body. */
export const PublishRequest = z.strictObject({
  topic: Topic,
  type: EventType,
  data: z.unknown().default({}),
  idempotency_key: z.string().min(1).max(200).optional(),
});
export type PublishRequest = z.infer<typeof PublishRequest>;

export const PublishResponse = z.object({ topic: z.string(), seq: z.number().int() });
export type PublishResponse = z.infer<typeof PublishResponse>;
