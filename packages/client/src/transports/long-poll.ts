import type { ClientMessage, ServerMessage } from '@jobstream/protocol';
import {
  authHeaders,
  errorOf,
  forbiddenTopic,
  httpCloseCode,
  retryAfter,
  type Transport,
  type TransportFactory,
} from './transport.js';

/** How long the server holds a poll open, in seconds. */
const WAIT_S = 25;

interface PollAnswer {
  epoch: string;
  seq: number;
  recovered: boolean;
  events: { topic: string; seq: number; event: string; ts: string; data: unknown }[];
}

/**
 * Long-polling (`GET /api/v1/events/poll`), one request at a time per topic, each resuming from the
 * last seq: the last resort when neither a WebSocket nor a stream gets through.
 */
export const longPoll: TransportFactory = (ctx, on) => {
  const loops = new Map<string, AbortController>();
  let closed = false;
  let welcomed = false;

  const deliver = (message: ServerMessage): void => {
    if (!closed) on.message(message);
  };
  const welcome = (): void => {
    if (welcomed) return;
    welcomed = true;
    deliver({
      type: 'welcome',
      connection_id: 'poll',
      server_time: new Date().toISOString(),
      heartbeat_ms: 0,
    });
  };
  const fail = (code: number, reason: string, hint?: number): void => {
    if (closed) return;
    transport.close();
    on.close(code, reason, hint);
  };

  /** One poll; undefined when it was cancelled or the transport failed. */
  async function poll(
    topic: string,
    controller: AbortController,
    query: Record<string, string | undefined>,
  ): Promise<PollAnswer | undefined> {
    const params = new URLSearchParams({ topic });
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
    // The server answers within its wait; a poll silent for 10 s more is on a dead connection.
    const timer = setTimeout(() => fail(1006, 'poll timed out'), (Number(query.timeout) + 10) * 1000);
    try {
      const response = await ctx.fetch(`${ctx.base}/api/v1/events/poll?${params.toString()}`, {
        headers: authHeaders(ctx.token()),
        signal: controller.signal,
        cache: 'no-store',
      });
      if (response.ok) {
        const answer = (await response.json()) as PollAnswer;
        on.alive();
        welcome();
        return answer;
      }
      const error = await errorOf(response);
      if (response.status === 403 || response.status === 400) {
        loops.delete(topic);
        deliver({
          type: 'error',
          code: error.code,
          message: error.message,
          ref: forbiddenTopic(error.message) ?? topic,
        });
      } else fail(httpCloseCode(response.status, error.message), error.message, retryAfter(response));
    } catch (error) {
      if (!controller.signal.aborted) fail(1006, `poll failed: ${String(error)}`);
    } finally {
      clearTimeout(timer);
    }
    return undefined;
  }

  async function run(message: ClientMessage & { type: 'subscribe' }, controller: AbortController) {
    const { topic } = message;
    const types = message.types?.join(',');
    let since = message.since;
    let epoch = message.epoch;
    let first = true;
    while (loops.get(topic) === controller) {
      // The first poll answers at once: where the topic is, and what history holds after `since`.
      const answer = await poll(topic, controller, {
        since: since === undefined ? undefined : String(since),
        // Seq 0 (nothing seen) holds in any history; the server may have forgotten an empty topic.
        epoch: since ? epoch : undefined,
        timeout: first ? '0' : String(WAIT_S),
        types,
      });
      if (!answer || loops.get(topic) !== controller) return;
      if (first || !answer.recovered) {
        deliver({
          type: 'subscribed',
          topic,
          seq: answer.seq,
          epoch: answer.epoch,
          recovered: answer.recovered,
        });
      }
      first = false;
      for (const e of answer.events) deliver({ type: 'event', ...e });
      ({ seq: since, epoch } = answer);
    }
  }

  const transport: Transport = {
    name: 'long-poll',
    heartbeatMs: 0,
    send(message: ClientMessage): boolean {
      if (message.type !== 'subscribe' && message.type !== 'unsubscribe') return false;
      loops.get(message.topic)?.abort();
      loops.delete(message.topic);
      if (message.type === 'unsubscribe') {
        deliver({ type: 'unsubscribed', topic: message.topic });
      } else {
        const controller = new AbortController();
        loops.set(message.topic, controller);
        void run(message, controller);
      }
      return true;
    },
    close(): void {
      closed = true;
      for (const controller of loops.values()) controller.abort();
      loops.clear();
    },
  };
  setTimeout(() => loops.size || welcome(), 0);
  return transport;
};
