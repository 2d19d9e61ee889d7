import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Gateway } from './gateway/gateway.js';
import type { Broker } from './hub/broker.js';
import type { Phase } from './http/readiness.js';
import type { Logger } from './logger.js';
import type { OutboxRelay } from './store/outbox-relay.js';
import type { Store } from './store/store.js';

/** A part that runs in the background while the node is up (the work runner, the scheduler, …). */
export interface BackgroundPart {
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export interface LifecycleDeps {
  readonly listenOn: { readonly port: number; readonly host: string; readonly backlog: number };
  readonly logger: Logger;
  /** Logged with the address once the node is ready. */
  readonly describe: () => Record<string, unknown>;
  readonly app: FastifyInstance;
  readonly gateway: Pick<Gateway, 'goAway'>;
  readonly relay: Pick<OutboxRelay, 'start' | 'drain' | 'stop'>;
  readonly broker: Pick<Broker, 'close'>;
  readonly store: Pick<Store, 'close'>;
  /** Started in order once the port is open, stopped in reverse order after the HTTP server closed. */
  readonly background: readonly BackgroundPart[];
  /** Once the port is open, before the background parts start (`http://127.0.0.1:<port>`). */
  readonly listening?: (localBase: string) => void;
  /** Once the background parts run, before the node is ready (the demo is seeded here). */
  readonly started?: (localBase: string) => Promise<void>;
}

/** A node's life: `starting`, then `ready` once listening, `draining` from the first moment of a stop. */
export interface Lifecycle {
  readonly phase: Phase;
  /** Starts listening; resolves with the base URL (`http://127.0.0.1:8000`). */
  start(): Promise<string>;
  /** Graceful shutdown, once however often it is called. */
  stop(): Promise<void>;
}

/** How long sockets that never sent a request, and the outbox's last rows, may hold a shutdown up. */
const STRAGGLER_MS = 2000;
const DRAIN_MS = 2000;

/** The phases a node passes through, before its lifecycle exists (the readiness route reads them). */
export class NodePhase {
  current: Phase = 'starting';
}

export function createLifecycle(deps: LifecycleDeps, phase = new NodePhase()): Lifecycle {
  const { app, logger, relay } = deps;
  let stopping: Promise<void> | undefined;
  return {
    get phase() {
      return phase.current;
    },
    async start() {
      relay.start(); // publishes whatever a previous run committed but did not publish
      await app.listen(deps.listenOn);
      const address = app.server.address() as AddressInfo;
      const localBase = `http://127.0.0.1:${address.port}`;
      deps.listening?.(localBase);
      for (const part of deps.background) await part.start?.();
      await deps.started?.(localBase);
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      phase.current = 'ready';
      logger.info({ address: url, ...deps.describe() }, 'jobstream listening');
      return url;
    },
    stop() {
      // Readiness answers 503 from the first moment of a shutdown, so that balancers stop sending.
      phase.current = 'draining';
      stopping ??= (async () => {
        // Each endpoint goes away as its original server did (1012, or no close frame at all).
        deps.gateway.goAway();
        // A socket that never sent a request (or is stuck in one) would hold the close up.
        const straggling = setTimeout(() => app.server.closeAllConnections(), STRAGGLER_MS);
        straggling.unref();
        await app.close();
        clearTimeout(straggling);
        // Running work is aborted and left `running`: the next start queues it again.
        for (const part of [...deps.background].reverse()) await part.stop?.();
        // Publish what is committed while there is still time; what is left goes at the next start.
        const drained = relay.drain().catch((error: unknown) => {
          logger.warn({ err: error }, 'outbox not drained at shutdown; the next start sends the rest');
        });
        await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
        await relay.stop();
        await deps.broker.close();
        await deps.store.close();
      })();
      return stopping;
    },
  };
}
