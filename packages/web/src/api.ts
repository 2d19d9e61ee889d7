// The REST calls the dashboard makes, on the server it was served from.
import type { Posting, QueueStats, Role, WorkJob } from '@jobstream/protocol';
import type { Recommendations } from './state.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function call<T>(
  path: string,
  init: { token?: string | undefined; body?: unknown; method?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      message = body.error?.message ?? message;
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(res.status, message);
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export interface ServerInfo {
  readonly version: string;
  readonly demo: boolean;
}

export interface SignedIn {
  readonly access_token: string;
  readonly expires_in: number;
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly name: string;
    readonly role: Role;
  };
}

export interface Match {
  readonly match_id: string | number;
  readonly target_id: string;
  readonly target_name: string;
  readonly rank: number;
  readonly score: number;
  readonly search_hit_ratio: number;
  readonly summary_reason: string | null;
}

export const api = {
  info: () => call<ServerInfo>('/api/v1/info'),
  postings: () => call<{ items: Posting[] }>('/api/v1/jobs?limit=20').then((r) => r.items),
  queueStats: () => call<QueueStats>('/api/v1/queue/stats'),
  workJobs: (token?: string, kind?: string) =>
    call<{ items: WorkJob[] }>(`/api/v1/queue/jobs?limit=10${kind ? `&kind=${kind}` : ''}`, { token }).then(
      (r) => r.items,
    ),
  login: (email: string, password: string) =>
    call<SignedIn>('/api/v1/auth/login', { body: { email, password } }),
  refresh: (token: string) => call<SignedIn>('/api/v1/auth/refresh', { token, body: {} }),
  logout: () => call<unknown>('/api/v1/auth/logout', { body: {} }),
  recommendations: (token: string) => call<Recommendations>('/api/v1/recommendations', { token }),
  matches: (token: string, workId: string) =>
    call<Match[]>(`/api/v1/matching-jobs/${encodeURIComponent(workId)}/matches`, { token }),
};
