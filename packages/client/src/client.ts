import type { ClientMessage, ServerMessage } from '@jobstream/protocol';
import { backoffDelay } from './backoff.js';
import type { JobstreamEvent } from './events.js';
import { refreshDelay, tokenExpiry } from './token.js';
import { longPoll } from './transports/long-poll.js';
import { sse } from './transports/sse.js';
import type { Transport, TransportName } from './transports/transport.js';
import { websocket } from './transports/websocket.js';
import type {
  ClientEvents,
  ClientOptions,
  ConnectionState,
  JobstreamClient,
  ReasonKind,
  SendResult,
  StateReason,
} from './types.js';

interface Sub {
  readonly handler: (event: JobstreamEvent) => void;
  readonly types: readonly string[] | undefined;
  readonly onReset: ((topic: string) => void) | undefined;
  /** The last seq this subscription saw; undefined until it knows where it starts. */
  cursor: number | undefined;
  /** The subscribe (numbered per topic and connection) whose answer this one waits for; 0: none. */
  waits: number;
}

interface TopicState {
  readonly subs: Set<Sub>;
  epoch: string | undefined;
  /** The newest seq known on this connection. */
  head: number | undefined;
  /** Subscribes sent, and answered, on this connection. */
  sent: number;
  answered: number;
  /** The type filter the server was given. */
  types: readonly string[] | undefined;
}

/** Close codes 4000–4099 forbid retrying with the same credentials, except these. */
const RETRYABLE = [4004, 4008, 4029];
const AUTH = [4001, 4003, 4004];

const matches = (types: readonly string[], type: string): boolean =>
  types.some((t) => (t.endsWith('.') ? type.startsWith(t) : type === t));

/** The server-side filter for a topic: every subscription's types, or none if one wants them all. */
const filterOf = (t: TopicState): readonly string[] | undefined => {
  const subs = [...t.subs];
  return subs.every((s) => s.types) ? [...new Set(subs.flatMap((s) => s.types ?? []))] : undefined;
};

const reportError = (error: unknown): void => {
  setTimeout(() => {
    throw error;
  });
};

/**
 * A service worker may add event listeners only while its script first runs: Chrome warns of any added
 * later, as by a client that connects once an extension has read its settings. There the SDK listens
 * for `online` once, as it is loaded, on behalf of every client.
 */
const inServiceWorker = 'ServiceWorkerGlobalScope' in globalThis;
/**
 * How often a client in a service worker pings. An extension's service worker is stopped after 30 s
 * without traffic; the server's heartbeat (30 s by default) would only just keep it; 20 s does, as
 * Chrome advises.
 */
const SW_PING_MS = 20_000;
const onlineWakers = new Set<() => void>();
if (inServiceWorker) globalThis.addEventListener('online', () => onlineWakers.forEach((wake) => wake()));

/**
 * A Jobstream client: one connection shared by every subscription, that reconnects (exponential
 * backoff, full jitter) and resumes each topic from its last seq, so that handlers see every event
 * exactly once and in order. See the package README for the whole behaviour.
 */
export function createClient(options: ClientOptions): JobstreamClient {
  const {
    initialDelayMs = 500,
    maxDelayMs = 30_000,
    maxRetries = Infinity,
    stableAfterMs = 5000,
    heartbeatGraceMs = 10_000,
    keepAliveMs = inServiceWorker ? SW_PING_MS : 0,
    connectTimeoutMs = 10_000,
    queueSize = 100,
    queueMaxAgeMs = 60_000,
    getToken,
  } = options;
  const factories = options.transports ?? [websocket, sse, longPoll];
  const base = options.url.replace(/^ws/, 'http').replace(/\/+$/, '').replace(/\/ws$/, '');
  const fetcher: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const topics = new Map<string, TopicState>();
  const queue: { message: ClientMessage; at: number }[] = [];
  const listeners = new Map<keyof ClientEvents, Set<(value: never) => void>>();

  let state: ConnectionState = 'closed';
  let transport: Transport | undefined;
  let transportName: TransportName | undefined;
  /** Which attempt is current: callbacks of older ones are ignored. */
  let generation = 0;
  let wanted = false;
  let opened = false;
  let everOpened = false;
  /** The first (best) transport has connected before. */
  let worked = false;
  let attempts = 0;
  let failures = 0;
  let which = 0;
  let token: string | undefined;
  let tokenExpires: number | undefined;
  let startedAt = 0;
  let lastHeard = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stableTimer: ReturnType<typeof setTimeout> | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let upgradeTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let lastPing = 0;
  let userId: string | null | undefined;

  function emit<K extends keyof ClientEvents>(type: K, value: ClientEvents[K]): void {
    for (const listener of (listeners.get(type) ?? []) as Set<(value: ClientEvents[K]) => void>) {
      try {
        listener(value);
      } catch (error) {
        reportError(error);
      }
    }
  }

  function setState(
    newState: ConnectionState,
    kind: ReasonKind,
    message: string,
    more?: Pick<StateReason, 'code' | 'attempt' | 'delayMs'>,
  ): void {
    const oldState = state;
    if (newState === oldState && newState !== 'reconnecting') return;
    state = newState;
    const reason: StateReason = { kind, message, ...more, transport: transportName };
    emit('state', { newState, oldState, reason });
  }

  /** The subscribe that resumes `topic` from the oldest cursor of its subscriptions. */
  function subscribeMessage(topic: string, t: TopicState): ClientMessage {
    let since: number | undefined;
    for (const s of t.subs) {
      if (s.cursor !== undefined && (since === undefined || s.cursor < since)) since = s.cursor;
    }
    // Seq 0 is "before the first event" in any history: resume it without an epoch, so that a topic
    // the server forgot while it was empty (and gave a new epoch) replays in full instead of resetting.
    if (since === 0) t.epoch = undefined;
    t.types = filterOf(t);
    t.sent++;
    return {
      type: 'subscribe',
      topic,
      ...(since === undefined ? {} : { since, ...(t.epoch === undefined ? {} : { epoch: t.epoch }) }),
      ...(t.types ? { types: [...t.types] } : {}),
    };
  }

  function onSubscribed(m: ServerMessage & { type: 'subscribed' }): void {
    const t = topics.get(m.topic);
    if (!t) return;
    t.answered++;
    const sameHistory = t.epoch === undefined || t.epoch === m.epoch;
    const recovered = m.recovered && sameHistory;
    t.epoch = m.epoch;
    t.head = recovered ? Math.max(t.head ?? 0, m.seq) : m.seq;
    const reset: Sub[] = [];
    for (const s of t.subs) {
      if (s.waits > t.answered) continue;
      s.waits = 0;
      if (s.cursor === undefined) s.cursor = m.seq;
      else if (!recovered && (!sameHistory || s.cursor < m.seq)) {
        s.cursor = m.seq;
        reset.push(s);
      }
    }
    for (const s of reset) s.onReset?.(m.topic);
    if (reset.length) {
      options.onReset?.(m.topic);
      emit('reset', m.topic);
    }
  }

  function onEvent(m: ServerMessage & { type: 'event' }): void {
    const t = topics.get(m.topic);
    if (!t) return;
    if (m.seq > (t.head ?? 0)) t.head = m.seq;
    const event = {
      id: `${m.topic}@${m.seq}`,
      topic: m.topic,
      seq: m.seq,
      type: m.event,
      ts: m.ts,
      data: m.data,
    } as JobstreamEvent;
    for (const s of t.subs) {
      if (s.waits || s.cursor === undefined || m.seq <= s.cursor) continue;
      s.cursor = m.seq;
      if (s.types && !matches(s.types, m.event)) continue;
      try {
        s.handler(event);
      } catch (error) {
        reportError(error);
      }
    }
  }

  function onMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'welcome':
        userId = m.user_id;
        opened = true;
        everOpened = true;
        failures = 0;
        lastHeard = Date.now();
        if (which === 0) worked = true;
        else if (worked) {
          // A fallback, taken while the server was away: after a while, try the WebSocket again.
          const current = generation;
          upgradeTimer = setTimeout(
            () => {
              which = 0;
              closed(current, 1000, 'trying the WebSocket again');
            },
            maxDelayMs * (2 + Math.random()),
          );
        }
        stableTimer = setTimeout(() => {
          attempts = failures = 0;
        }, stableAfterMs);
        setState('open', 'open', `connected over ${transportName ?? ''}`);
        flush();
        scheduleRefresh(tokenExpiry(token));
        break;
      case 'subscribed':
        onSubscribed(m);
        break;
      case 'event':
        onEvent(m);
        break;
      case 'refreshed': {
        const at = m.expires_at === null ? undefined : Date.parse(m.expires_at);
        // A token that did not move the deadline cannot be renewed this way: the close (4004) will.
        if (at !== undefined && at > (tokenExpires ?? 0)) scheduleRefresh(at);
        break;
      }
      case 'error':
        emit('error', m);
        break;
      case 'unsubscribed':
      case 'ping':
      case 'pong':
        break;
    }
    emit('message', m);
  }

  function scheduleRefresh(expiresAt: number | undefined): void {
    clearTimeout(refreshTimer);
    tokenExpires = expiresAt;
    if (!getToken || expiresAt === undefined) return;
    const current = generation;
    refreshTimer = setTimeout(() => {
      Promise.resolve(getToken())
        .then((next) => {
          if (current !== generation || !opened || !next) return;
          token = next;
          // Over HTTP the next request carries the new token; a WebSocket is told.
          if (!transport?.send({ type: 'refresh', token: next })) {
            const at = tokenExpiry(next);
            if (at !== undefined && at > (tokenExpires ?? 0)) scheduleRefresh(at);
          }
        })
        .catch(reportError);
    }, refreshDelay(expiresAt));
  }

  function flush(): void {
    const oldest = Date.now() - queueMaxAgeMs;
    while (queue[0] && (queue[0].at < oldest || transport?.send(queue[0].message))) queue.shift();
  }

  function clearTimers(): void {
    clearTimeout(retryTimer);
    clearTimeout(stableTimer);
    clearTimeout(refreshTimer);
    clearTimeout(upgradeTimer);
    retryTimer = undefined;
  }

  function attempt(): void {
    clearTimers();
    const current = ++generation;
    const ready = getToken ? Promise.resolve().then(getToken) : Promise.resolve(options.token);
    ready.then(
      (value) => {
        if (current !== generation || !wanted) return;
        token = value ?? undefined;
        open(current);
      },
      (error: unknown) => {
        if (current === generation && wanted) closed(current, 1006, `getToken failed: ${String(error)}`);
      },
    );
  }

  function open(current: number): void {
    const factory = factories[which] ?? websocket;
    startedAt = lastHeard = Date.now();
    opened = false;
    transport = factory(
      { base, token: () => token, fetch: fetcher, WebSocket: options.WebSocket, heartbeatMs: 30_000 },
      {
        message: (m) => current === generation && onMessage(m),
        alive: () => {
          if (current === generation) lastHeard = Date.now();
        },
        close: (code, reason, retryMs) => closed(current, code, reason, retryMs),
      },
    );
    transportName = transport.name;
    for (const [topic, t] of topics) {
      t.sent = t.answered = 0;
      for (const s of t.subs) if (s.waits) s.waits = 1;
      transport.send(subscribeMessage(topic, t));
    }
  }

  /** Ends the current connection (if it is `current`) and decides what comes next. */
  function closed(
    current: number,
    code: number,
    reason: string,
    retryMs = 0,
    kind: ReasonKind = 'closed',
  ): void {
    if (current !== generation) return;
    generation++;
    const wasOpen = opened;
    transport?.close();
    transport = undefined;
    opened = false;
    clearTimers();
    if (!wanted) return;
    if ((code >= 4000 && code < 4100 && !RETRYABLE.includes(code)) || (code === 4004 && !getToken)) {
      const what = AUTH.includes(code) ? 'authentication failed' : 'refused';
      return stop(AUTH.includes(code) ? 'auth' : 'terminal', `${what} (${code}): ${reason}`, { code });
    }
    if (wasOpen) {
      if (worked) which = 0;
    } else if (++failures >= (worked ? 5 : 2) && factories.length > 1) {
      // This transport cannot connect: try the next one (and come back round after the last). Once
      // the WebSocket has worked, failures more likely mean a server away than a WebSocket blocked.
      which = (which + 1) % factories.length;
      failures = 0;
    }
    if (attempts >= maxRetries) return stop('retries', `gave up after ${attempts} attempts`, { code });
    const delay =
      code === 4004 && attempts === 0
        ? 0
        : code === 4029
          ? maxDelayMs * (0.5 + Math.random() / 2)
          : retryMs + backoffDelay(attempts, initialDelayMs, maxDelayMs);
    attempts++;
    setState('reconnecting', kind, reason || `closed with ${code}`, {
      code,
      attempt: attempts,
      delayMs: delay,
    });
    retryTimer = setTimeout(attempt, delay);
  }

  function stop(kind: ReasonKind, message: string, more?: Pick<StateReason, 'code'>): void {
    wanted = false;
    generation++;
    transport?.close();
    transport = undefined;
    opened = false;
    clearTimers();
    clearInterval(watchdog);
    listen(false);
    setState('closed', kind, message, more);
  }

  /**
   * Checks the connection by the wall clock, not by timers alone: after the machine slept, or while a
   * background tab's timers were throttled, the last message may be far older than any timer knows.
   */
  function check(): void {
    const now = Date.now();
    const silence = transport?.heartbeatMs;
    if (opened && silence && now - lastHeard > silence + heartbeatGraceMs) {
      closed(generation, 1006, `no heartbeat for ${now - lastHeard} ms`, 0, 'heartbeat');
    } else if (keepAliveMs > 0 && opened && now - lastPing >= keepAliveMs) {
      lastPing = now;
      transport?.send({ type: 'ping' });
    } else if (transport && !opened && now - startedAt > connectTimeoutMs) {
      closed(generation, 1006, `not connected within ${connectTimeoutMs} ms`);
    }
  }

  /** Back online, or the tab is visible again: check at once, and retry now rather than later. */
  function wake(): void {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    check();
    if (retryTimer !== undefined) attempt();
  }

  function listen(on: boolean): void {
    if (inServiceWorker) return void onlineWakers[on ? 'add' : 'delete'](wake);
    const target = typeof globalThis.addEventListener === 'function' ? globalThis : undefined;
    const doc = typeof document === 'undefined' ? undefined : document;
    if (on) {
      target?.addEventListener('online', wake);
      doc?.addEventListener('visibilitychange', wake);
    } else {
      target?.removeEventListener('online', wake);
      doc?.removeEventListener('visibilitychange', wake);
    }
  }

  const client: JobstreamClient = {
    get state() {
      return state;
    },
    get transport() {
      return transportName;
    },
    get userId() {
      return userId;
    },
    subscribe(topic, handler, subscribeOptions = {}) {
      let t = topics.get(topic);
      if (!t) {
        t = {
          subs: new Set(),
          epoch: subscribeOptions.epoch,
          head: undefined,
          sent: 0,
          answered: 0,
          types: undefined,
        };
        topics.set(topic, t);
      }
      const { since } = subscribeOptions;
      const pending = t.answered < t.sent;
      const sub: Sub = {
        handler: handler as (event: JobstreamEvent) => void,
        types: subscribeOptions.types,
        onReset: subscribeOptions.onReset,
        cursor: since ?? (pending ? undefined : t.head),
        waits: 0,
      };
      t.subs.add(sub);
      const before = t.types;
      const after = filterOf(t);
      const widened = before !== undefined && (!after || after.some((type) => !before.includes(type)));
      // A new topic, a wider filter, or an older resume point needs a (new) subscribe; otherwise the
      // subscription joins the one in place (or the one on its way).
      const needed =
        t.sent === 0 || widened || (since !== undefined && (pending || since < (t.head ?? Infinity)));
      if (transport && needed) {
        transport.send(subscribeMessage(topic, t));
        sub.waits = t.sent;
      } else if (transport && pending && sub.cursor === undefined) sub.waits = t.sent;
      return () => {
        if (!t.subs.delete(sub) || t.subs.size) return;
        topics.delete(topic);
        transport?.send({ type: 'unsubscribe', topic });
      };
    },
    send(message): SendResult {
      if (opened && transport?.send(message)) return 'sent';
      const oldest = Date.now() - queueMaxAgeMs;
      while (queue[0] && queue[0].at < oldest) queue.shift();
      if (!wanted || queue.length >= queueSize) return 'dropped';
      queue.push({ message, at: Date.now() });
      return 'queued';
    },
    on(type, listener) {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      const added = listener as (value: never) => void;
      set.add(added);
      return () => set.delete(added);
    },
    cursor(topic) {
      const t = topics.get(topic);
      return t?.head === undefined ? undefined : { seq: t.head, epoch: t.epoch };
    },
    connect() {
      if (wanted) return;
      wanted = true;
      attempts = failures = 0;
      listen(true);
      watchdog = setInterval(check, 1000);
      setState(everOpened ? 'reconnecting' : 'connecting', 'connect', `connecting to ${base}`);
      attempt();
    },
    close() {
      if (wanted) stop('user', 'closed by the application');
    },
  };
  if (options.autoConnect !== false) client.connect();
  return client;
}
