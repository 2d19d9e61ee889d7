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

interface SseTopic {
  /** The last seq this stream passed on (or was asked to resume from). */
  seq: number | undefined;
  types: readonly string[] | undefined;
}

/**
 * Server-Sent Events (`GET /api/v1/events`), read with `fetch` rather than `EventSource`: it sends the
 * token as a header, sees every named event, and works in service workers and Node. One stream carries
 * every topic; a change of topics reopens it from each topic's last seq, so nothing is lost.
 */
export const sse: TransportFactory = (ctx, on) => {
  const topics = new Map<string, SseTopic>();
  let stream: AbortController | undefined;
  let closed = false;
  let welcomed = false;
  let pending = false;
  let retryMs: number | undefined;

  const transport: Transport & { heartbeatMs: number } = {
    name: 'sse',
    heartbeatMs: 0,
    send(message: ClientMessage): boolean {
      if (message.type === 'subscribe') {
        topics.set(message.topic, { seq: message.since, types: message.types });
      } else if (message.type === 'unsubscribe') {
        topics.delete(message.topic);
        deliver({ type: 'unsubscribed', topic: message.topic });
      } else return false;
      if (!pending) {
        pending = true;
        setTimeout(open, 0); // one reopen for a burst of changes
      }
      return true;
    },
    close(): void {
      closed = true;
      stream?.abort();
    },
  };

  const deliver = (message: ServerMessage): void => {
    if (!closed) on.message(message);
  };
  const fail = (code: number, reason: string, hint?: number): void => {
    if (closed) return;
    closed = true;
    stream?.abort();
    on.close(code, reason, hint);
  };
  const welcome = (): void => {
    if (welcomed) return;
    welcomed = true;
    deliver({
      type: 'welcome',
      connection_id: 'sse',
      server_time: new Date().toISOString(),
      heartbeat_ms: 0,
    });
  };

  function open(): void {
    pending = false;
    stream?.abort();
    stream = undefined;
    transport.heartbeatMs = 0;
    if (closed) return;
    if (topics.size === 0) return welcome();
    const cursor = [...topics].flatMap(([t, s]) => (s.seq === undefined ? [] : [`${t}@${s.seq}`]));
    const all = [...topics.values()];
    const types = all.every((s) => s.types) ? [...new Set(all.flatMap((s) => s.types ?? []))] : [];
    const query = new URLSearchParams({ topics: [...topics.keys()].join(',') });
    if (cursor.length) query.set('since', cursor.join(','));
    if (types.length) query.set('types', types.join(','));
    const controller = (stream = new AbortController());
    read(`${ctx.base}/api/v1/events?${query.toString()}`, controller).catch((error: unknown) => {
      if (controller === stream) fail(1006, `event stream failed: ${String(error)}`, retryMs);
    });
  }

  async function read(url: string, controller: AbortController): Promise<void> {
    const response = await ctx.fetch(url, {
      headers: { accept: 'text/event-stream', ...authHeaders(ctx.token()) },
      signal: controller.signal,
      cache: 'no-store',
    });
    if (!response.ok || !response.body) {
      const error = await errorOf(response);
      const topic = response.status === 403 ? forbiddenTopic(error.message) : undefined;
      if (topic !== undefined && topics.delete(topic)) {
        deliver({ type: 'error', code: error.code, message: error.message, ref: topic });
        return open();
      }
      return fail(httpCloseCode(response.status, error.message), error.message, retryAfter(response));
    }
    transport.heartbeatMs = ctx.heartbeatMs;
    on.alive();
    welcome();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = 'message';
    let data = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (controller !== stream) return;
      if (done) return fail(1006, 'event stream ended', retryMs);
      on.alive();
      buffer += value;
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (data) dispatch(event, data.slice(0, -1));
          event = 'message';
          data = '';
        } else if (line.startsWith('data:')) data += `${line.slice(line[5] === ' ' ? 6 : 5)}\n`;
        else if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('retry:')) retryMs = Number(line.slice(6)) || retryMs;
        if (controller !== stream) return;
      }
    }
  }

  function dispatch(event: string, data: string): void {
    type Body = Omit<Extract<ServerMessage, { type: 'subscribed' | 'event' }>, 'type'> & {
      code?: number;
      reason?: string;
    };
    const body = JSON.parse(data) as Body;
    if (event === 'close') return fail(body.code || 1000, body.reason ?? '', retryMs);
    const topic = topics.get(body.topic);
    if (!topic) return;
    if (event === 'subscribed') {
      const subscribed = body as Omit<Extract<ServerMessage, { type: 'subscribed' }>, 'type'>;
      if (!subscribed.recovered) topic.seq = subscribed.seq;
      deliver({ ...subscribed, type: 'subscribed' });
    } else {
      const e = body as Omit<Extract<ServerMessage, { type: 'event' }>, 'type'>;
      topic.seq = e.seq;
      deliver({ ...e, type: 'event' });
    }
  }

  return transport;
};
