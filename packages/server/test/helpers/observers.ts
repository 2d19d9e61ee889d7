import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { RawSocket, typed, type Frame } from './raw-socket.js';
import { SseClient } from './sse-client.js';

/** One thing a client received, on any transport, with the canonical topic and type where it shows. */
export interface Received {
  readonly transport: string;
  /** The canonical topic: native and HTTP messages name it, documented dialects in `event_id`. */
  readonly topic: string | undefined;
  /** The canonical type, where the wire keeps it (native, SSE, long-poll). */
  readonly type: string | undefined;
  readonly data: unknown;
  readonly text: string;
}

export interface ObserverOptions {
  readonly url: string;
  readonly wsUrl: string;
  readonly token: string | undefined;
  /** Topics this reader may read: subscribed on `/ws` and SSE. */
  readonly topics: readonly string[];
  /** The user id the channels endpoint is told (an anonymous client may claim anyone's). */
  readonly channelsUserId: string;
}

const topicOfId = (id: unknown): string | undefined =>
  typeof id === 'string' && id.lastIndexOf('@') > 0 ? id.slice(0, id.lastIndexOf('@')) : undefined;

/**
 * A reader connected on every transport at once: `/ws` (subscribed to its topics), SSE (one stream of
 * them), channels, notifications (signed in only: anonymous is refused), job-queue and job-feed.
 * Long-poll is asked afterwards ({@link pollAll}), from the history.
 */
export class Observer {
  readonly sockets = new Map<string, RawSocket>();
  readonly sse: SseClient;
  readonly #polled: Received[] = [];

  private constructor(sse: SseClient) {
    this.sse = sse;
  }

  static async connect(t: TestContext, o: ObserverOptions): Promise<Observer> {
    const auth: Record<string, string> = o.token === undefined ? {} : { authorization: `Bearer ${o.token}` };
    const sse = new SseClient(`${o.url}/api/v1/events?topics=${o.topics.join(',')}`, auth);
    t.after(() => sse.close());
    const observer = new Observer(sse);
    const q = o.token === undefined ? '' : `token=${encodeURIComponent(o.token)}`;
    const open = (name: string, path: string): RawSocket => {
      const joined = q === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${q}`;
      const socket = new RawSocket(t, `${o.wsUrl}${joined}`);
      observer.sockets.set(name, socket);
      return socket;
    };
    const native = open('native', '/ws');
    await native.waitFor(typed('welcome'));
    for (const topic of o.topics) {
      native.send({ type: 'subscribe', topic });
      await native.waitFor((f) => typed('subscribed')(f) && (f as { topic?: unknown }).topic === topic);
    }
    const channels = open(
      'channels',
      `/api/v1/ws?user_id=${o.channelsUserId}&channels=jobs,applications,recommendations,skills,followups,interviews,system`,
    );
    await channels.waitFor(typed('system.connected'));
    if (o.token !== undefined)
      await open('notifications', '/ws/notifications/').waitFor(typed('connection_established'));
    const queue = open('job-queue', '/api/ws/jobs');
    queue.send('ping'); // no welcome: the pong says its subscriptions are live (they precede it)
    await queue.waitFor((f) => f === 'pong');
    await open('job-feed', '/api/v1/ws/jobs').waitFor(typed('connected'));
    for (const topic of o.topics) {
      await sse.waitFor((e) => e.event === 'subscribed' && e.data.includes(`"topic":"${topic}"`));
    }
    return observer;
  }

  /** Long-polls each topic from its start (what the history holds) and keeps the answers. */
  async pollAll(o: ObserverOptions): Promise<void> {
    const auth: Record<string, string> = o.token === undefined ? {} : { authorization: `Bearer ${o.token}` };
    for (const topic of o.topics) {
      const res = await fetch(`${o.url}/api/v1/events/poll?topic=${topic}&since=0&timeout=0`, {
        headers: auth,
      });
      assert.equal(res.status, 200, `long-poll ${topic}`);
      const body = (await res.json()) as { events: { topic: string; event: string; data: unknown }[] };
      for (const e of body.events) {
        this.#polled.push({
          transport: 'long-poll',
          topic: e.topic,
          type: e.event,
          data: e.data,
          text: JSON.stringify(e),
        });
      }
    }
  }

  /** Everything received so far, on every transport. */
  received(): Received[] {
    const out: Received[] = [...this.#polled];
    for (const [transport, socket] of this.sockets) {
      socket.frames.forEach((frame: Frame, i) => {
        const text = socket.texts[i] ?? '';
        if (typeof frame === 'string')
          return out.push({ transport, topic: undefined, type: undefined, data: frame, text });
        const native = transport === 'native' && frame.type === 'event';
        out.push({
          transport,
          topic: native ? String(frame.topic) : topicOfId(frame.event_id),
          type: native ? String(frame.event) : undefined,
          data: native ? frame.data : frame,
          text,
        });
      });
    }
    for (const e of this.sse.events) {
      if (e.event === 'subscribed' || e.event === undefined) continue;
      const body = JSON.parse(e.data) as { topic?: string; event?: string; data?: unknown };
      out.push({ transport: 'sse', topic: body.topic, type: body.event, data: body.data, text: e.data });
    }
    return out;
  }
}
