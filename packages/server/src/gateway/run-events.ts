/** One kept event of a run: the id it is kept under, and its JSON (the event as its stream sends it). */
export interface RunEvent {
  readonly id: number;
  readonly payload: string;
}

/**
 * Reads the events a background run kept, for streams that replay a run from its start (whatever the
 * size of the run, and across restarts). The gateway is handed one, as it is handed an Authorizer;
 * dialects never reach into the domain themselves. The caller has authorized the reader already.
 */
export interface RunEvents {
  /** The run's kept events with an id above `after`, oldest first, at most `limit`. */
  after(runId: string, after: number, limit: number): Promise<readonly RunEvent[]>;
}
