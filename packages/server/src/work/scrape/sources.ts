import { ErrorCode, type Source, type SourceInput, type SourcePatch } from '@jobstream/protocol';
import { AppError } from '../../errors.js';
import type { Principal } from '../../auth/principal.js';
import { notFound, now, requireRole } from '../../domain/access.js';
import type { ScrapeSourceRow } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import type { SourcePolicy } from './source-policy.js';

/** The public shape of a source row. */
export function toSource(row: ScrapeSourceRow): Source {
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    url: row.url,
    company: row.company,
    interval_seconds: row.interval_seconds === null ? null : Number(row.interval_seconds),
    enabled: Number(row.enabled) === 1,
    next_run_at: row.next_run_at,
    last_run_at: row.last_run_at,
    last_status: row.last_status,
    last_error: row.last_error,
    last_duration_seconds: row.last_duration_seconds === null ? null : Number(row.last_duration_seconds),
    last_work_id: row.last_work_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** When a source with this interval, enabled or not, is next due (now + interval), or null. */
export function nextRunAt(
  intervalSeconds: number | null,
  enabled: boolean,
  from = Date.now(),
): string | null {
  if (intervalSeconds === null || !enabled) return null;
  return new Date(from + intervalSeconds * 1000).toISOString();
}

export interface SourceServiceOptions {
  /** With AUTH_REQUIRED, only admins configure sources; otherwise anyone may. */
  readonly authRequired: boolean;
  /** Which URLs may be sources (http(s), public addresses unless SOURCE_ALLOW_PRIVATE says so). */
  readonly policy: SourcePolicy;
  /**
   * The demo runs (`serve --demo`): its sources are listed and scraped. Otherwise they are left alone,
   * as their boards went with the demo. @default false
   */
  readonly demo?: boolean;
}

/**
 * Scrape sources over REST (`/api/v1/sources`). A new or re-enabled source with an interval is first
 * scraped one interval from now (scrape it at once with `POST /api/v1/scrapes`).
 */
export class SourceService {
  readonly #store: Store;
  readonly #options: SourceServiceOptions;

  constructor(store: Store, options: SourceServiceOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** Whether the demo's sources are in play (listed, scraped on schedule and on demand). */
  get showsDemo(): boolean {
    return this.#options.demo === true;
  }

  async list(): Promise<Source[]> {
    const rows = await this.#store.db
      .selectFrom('scrape_sources')
      .selectAll()
      .$if(!this.showsDemo, (q) => q.where('demo', '=', 0))
      .orderBy('id')
      .execute();
    return rows.map(toSource);
  }

  async get(id: number): Promise<Source> {
    return toSource(await this.row(id));
  }

  /** A source's row by id, or 404 (a demo source too, unless the demo runs). */
  row(id: number): Promise<ScrapeSourceRow> {
    return this.#find('id', id, `source ${id}`, this.showsDemo);
  }

  /**
   * The row a queued scrape names, demo or not: a worker process does not know whether the node that
   * queued it runs the demo.
   */
  queuedRow(id: number): Promise<ScrapeSourceRow> {
    return this.#find('id', id, `source ${id}`, true);
  }

  /** A source's row by name, or 404. */
  byName(name: string): Promise<ScrapeSourceRow> {
    return this.#find('name', name, `source ${name}`, this.showsDemo);
  }

  async #find(
    column: 'id' | 'name',
    value: number | string,
    what: string,
    demoToo: boolean,
  ): Promise<ScrapeSourceRow> {
    const row = await this.#store.db
      .selectFrom('scrape_sources')
      .selectAll()
      .where(column, '=', value)
      .$if(!demoToo, (q) => q.where('demo', '=', 0))
      .executeTakeFirst();
    if (!row) throw notFound(what);
    return row;
  }

  /** Adds a source; `demo` marks one of the demo's own (see {@link SourceServiceOptions.demo}). */
  async create(actor: Principal, input: SourceInput, { demo = false } = {}): Promise<Source> {
    this.#assertCanEdit(actor);
    this.#assertFetchable(input.url);
    const stamp = now();
    const taken = await this.#store.db
      .selectFrom('scrape_sources')
      .select('id')
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (taken) throw new AppError(ErrorCode.conflict, `a source named ${input.name} exists`);
    const row = await this.#store.db
      .insertInto('scrape_sources')
      .values({
        name: input.name,
        kind: input.kind,
        url: input.url,
        company: input.company,
        interval_seconds: input.interval_seconds,
        enabled: input.enabled ? 1 : 0,
        next_run_at: nextRunAt(input.interval_seconds, input.enabled),
        last_run_at: null,
        last_status: null,
        last_error: null,
        last_duration_seconds: null,
        last_work_id: null,
        created_at: stamp,
        updated_at: stamp,
        demo: demo ? 1 : 0,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSource(row);
  }

  async update(actor: Principal, id: number, patch: SourcePatch): Promise<Source> {
    this.#assertCanEdit(actor);
    if (patch.url !== undefined) this.#assertFetchable(patch.url);
    const before = toSource(await this.row(id));
    const interval = patch.interval_seconds !== undefined ? patch.interval_seconds : before.interval_seconds;
    const enabled = patch.enabled ?? before.enabled;
    const rescheduled = interval !== before.interval_seconds || enabled !== before.enabled;
    const row = await this.#store.db
      .updateTable('scrape_sources')
      .set({
        ...(patch.kind !== undefined && { kind: patch.kind }),
        ...(patch.url !== undefined && { url: patch.url }),
        // Another board or format: the old board's validators say nothing of it.
        ...((patch.url !== undefined || patch.kind !== undefined) && { etag: null, last_modified: null }),
        ...(patch.company !== undefined && { company: patch.company }),
        interval_seconds: interval,
        enabled: enabled ? 1 : 0,
        ...(rescheduled && { next_run_at: nextRunAt(interval, enabled) }),
        updated_at: now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSource(row);
  }

  /** Removes a source; the postings it brought stay. */
  async remove(actor: Principal, id: number): Promise<void> {
    this.#assertCanEdit(actor);
    const result = await this.#store.db.deleteFrom('scrape_sources').where('id', '=', id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound(`source ${id}`);
  }

  #assertCanEdit(actor: Principal): void {
    if (this.#options.authRequired) requireRole(actor, 'admin');
  }

  /** A URL the server would refuse to fetch is refused when it is saved, with the reason. */
  #assertFetchable(url: string): void {
    const refusal = this.#options.policy.refusal(url);
    if (refusal === undefined) return;
    throw new AppError(ErrorCode.invalidMessage, `invalid url: ${refusal}`, {
      fields: [{ path: 'url', message: refusal }],
    });
  }
}
