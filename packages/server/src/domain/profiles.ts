import { EventTypes, topics, type ProfileInput } from '@jobstream/protocol';
import type { Principal } from '../auth/principal.js';
import type { Profile as ProfileRow } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { now, parseJsonArray, signedIn } from './access.js';

export interface Profile {
  user_id: string;
  skills: string[];
  desired_titles: string[];
  locations: string[];
  remote_preference: 'remote' | 'hybrid' | 'onsite' | 'any';
  updated_at: string | null;
}

export function toProfile(row: ProfileRow): Profile {
  return {
    user_id: row.user_id,
    skills: parseJsonArray(row.skills),
    desired_titles: parseJsonArray(row.desired_titles),
    locations: parseJsonArray(row.locations),
    remote_preference: row.remote_preference,
    updated_at: row.updated_at,
  };
}

/** A job seeker's profile: what analyses and recommendations match postings against. */
export class ProfileService {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async get(actor: Principal): Promise<Profile> {
    const user = signedIn(actor);
    const row = await this.#store.db
      .selectFrom('profiles')
      .selectAll()
      .where('user_id', '=', user.userId)
      .executeTakeFirst();
    return row
      ? toProfile(row)
      : {
          user_id: user.userId,
          skills: [],
          desired_titles: [],
          locations: [],
          remote_preference: 'any',
          updated_at: null,
        };
  }

  /** Replaces the profile; emits `profile.updated` to the user. */
  async put(actor: Principal, input: ProfileInput): Promise<Profile> {
    const user = signedIn(actor);
    const values = {
      user_id: user.userId,
      skills: JSON.stringify(input.skills),
      desired_titles: JSON.stringify(input.desired_titles),
      locations: JSON.stringify(input.locations),
      remote_preference: input.remote_preference,
      updated_at: now(),
    };
    return this.#store.transaction(async (tx) => {
      const row = await tx.db
        .insertInto('profiles')
        .values(values)
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...values }))
        .returningAll()
        .executeTakeFirstOrThrow();
      const profile = toProfile(row);
      await tx.emit({ topic: topics.user(user.userId), type: EventTypes.profileUpdated, data: { profile } });
      return profile;
    });
  }
}
