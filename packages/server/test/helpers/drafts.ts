import type { EventDraft } from '@jobstream/protocol';

/**
 * An event draft whose data the event catalogue does not check: the store and the hub keep whatever
 * they are given (a publisher may send any data), and these tests say so.
 */
export const draft = (topic: string, type: string, data: unknown): EventDraft => ({ topic, type, data });

/** An event type as a plain string: an emit of it takes any data. */
export const anyType = (type: string): string => type;
