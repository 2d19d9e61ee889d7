import { CloseCode, isRecord } from '@jobstream/protocol';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import type { FrameEncoder, HubEvent } from '../hub/hub-event.js';
import { parseClientJson } from './client-json.js';
import type { Connection } from './connection.js';
import { HeldMessages } from './held-messages.js';
import type { DialectContext } from './dialect-contract.js';

/**
 * The dialect kit: what every WebSocket dialect (gateway/dialects/) is made of, so that a new one is
 * one file plus its tests. The contract (a {@link WsDialect} made by a factory, which opens one
 * {@link DialectSession} per connection), the parse of a client message with its errors, one
 * error-to-close converter, the serial queue of a session's replies, and delivery of hub events with
 * the fan-out threshold. A dialect keeps no module-level state: what its connections share (a
 * heartbeat frame, say) belongs to the dialect its factory made ({@link sharedFrame}).
 */
export type { DialectContext, DialectSession, WsDialect } from './dialect-contract.js';

/**
 * What a session keeps of its context for the life of its connection. Not the upgrade request, its
 * URL or its path parameters: kept by a session, they would stay in memory (several KiB with the
 * request's headers) as long as the connection is open. Read those while opening.
 */
export type SessionContext = Pick<DialectContext, 'connection' | 'principal' | 'authorizer' | 'refused'>;

export function sessionContext(ctx: DialectContext): SessionContext {
  return {
    connection: ctx.connection,
    principal: ctx.principal,
    authorizer: ctx.authorizer,
    refused: ctx.refused,
  };
}

// ---- delivery ---------------------------------------------------------------------------------------

/**
 * An event read by fewer connections than this is flushed to each at once; one read by more waits for
 * the flush scheduler's next round, which writes many frames per socket in one go.
 */
export const FANOUT_FLUSH_BELOW = 64;

/** Sends one hub event's frame (if the dialect renders it) to the connection. */
export function deliver(connection: Pick<Connection, 'send'>, event: HubEvent, frame: Buffer | null): void {
  if (frame) connection.send(frame, event.fanout < FANOUT_FLUSH_BELOW);
}

/**
 * A subscription's sink that renders each event with `encoder` and sends it. The hub renders an event
 * once per encoder and hands the same frame to every reader, so `encoder` must be a value the dialect
 * keeps (a module constant, or one its factory made), never one made per connection.
 */
export function frameSink(
  connection: Pick<Connection, 'send'>,
  encoder: FrameEncoder,
): (event: HubEvent) => void {
  return (event) => deliver(connection, event, event.frame(encoder));
}

/**
 * A frame shared by every connection of a dialect for `ttlMs` (a heartbeat the registry sends to all
 * in one loop): built at most once per period, not once per connection. Each dialect its own, made by
 * its factory.
 */
export function sharedFrame(ttlMs: number, build: (now: number) => Buffer): (now?: number) => Buffer {
  let last: { at: number; frame: Buffer } | undefined;
  return (now = Date.now()) => {
    if (last === undefined || now - last.at >= ttlMs || now < last.at) last = { at: now, frame: build(now) };
    return last.frame;
  };
}

// ---- client messages --------------------------------------------------------------------------------

/** Why a client's text is no message of the dialect. */
export type MessageError =
  /** Not JSON at all. */
  | { readonly reason: 'invalid_json' }
  /** Nested deeper than any message needs (see client-json.ts). */
  | { readonly reason: 'too_deep' }
  /**
   * JSON, but not one of the dialect's messages: `fields` is the object it sent (null when it is no
   * object), for the dialect to say what is wrong in its own words; `issues` are the schema's.
   */
  | {
      readonly reason: 'invalid';
      readonly raw: unknown;
      readonly fields: Readonly<Record<string, unknown>> | null;
      readonly issues: readonly z.core.$ZodIssue[];
    };

/** A client message parsed and validated at the edge, or why not. */
export type ParsedMessage<T> =
  { readonly ok: true; readonly message: T } | ({ readonly ok: false } & MessageError);

/** Parses one text frame as JSON and validates it against the dialect's schema of client messages. */
export function parseMessage<T>(text: string, schema: z.ZodType<T>): ParsedMessage<T> {
  const json = parseClientJson(text);
  if (!json.ok) return { ok: false, reason: json.reason };
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const raw = json.value;
  return {
    ok: false,
    reason: 'invalid',
    raw,
    fields: isRecord(raw) ? raw : null,
    issues: parsed.error.issues,
  };
}

/** A client's text as JSON, with its fields when it is an object: for the dialects that take any JSON. */
export function readJson(
  text: string,
):
  | { readonly ok: true; readonly fields: Readonly<Record<string, unknown>> | null }
  | ({ readonly ok: false } & MessageError) {
  const json = parseClientJson(text);
  if (!json.ok) return { ok: false, reason: json.reason };
  return { ok: true, fields: isRecord(json.value) ? json.value : null };
}

// ---- errors -----------------------------------------------------------------------------------------

/**
 * Closes the connection for an error that ended its session (its set-up failed, say): an error that
 * names a close code (an AppError with one: credentials, the broker) closes with that code and its
 * message; any other closes with 1011 and `reason` (the error's message when none is given).
 */
export function closeFor(connection: Pick<Connection, 'close'>, error: unknown, reason?: string): void {
  if (error instanceof AppError && error.closeCode !== undefined && error.closeCode !== CloseCode.internal) {
    connection.close(error.closeCode, error.message.slice(0, 120));
    return;
  }
  const message = reason ?? (error instanceof AppError ? error.message : 'internal error');
  connection.close(CloseCode.internal, message.slice(0, 120));
}

// ---- the serial queue -------------------------------------------------------------------------------

/**
 * A session's work in turn: its set-up first, then each client message, so that replies keep the order
 * of the requests even when one waits for the hub (a subscribe). What waits is bounded
 * (held-messages.ts): past the bound `then` refuses, and the dialect counts the message as over the
 * rate limit.
 */
export class SerialQueue {
  #tail: Promise<void>;
  readonly #held = new HeldMessages();
  readonly #failed: (error: unknown) => void;

  /** `first` runs before anything queued; `failed` hears of a task that threw (not of `first`). */
  constructor(first: Promise<void>, failed: (error: unknown) => void) {
    this.#tail = first;
    this.#failed = failed;
  }

  /** Queues `task` (for a message of `text`, counted while it waits); false when too much waits. */
  then(task: () => void | Promise<void>, text: string): boolean {
    if (!this.#held.hold(text)) return false;
    this.#tail = this.#tail
      .then(task)
      .catch(this.#failed)
      .then(() => this.#held.release(text));
    return true;
  }
}
