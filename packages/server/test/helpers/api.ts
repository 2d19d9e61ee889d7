import type { TestContext } from 'node:test';
import { TestClient, type Message } from './ws-client.js';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A REST caller, with an optional bearer token. */
export function api(baseUrl: string, token?: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
  };
}

export interface TestUser {
  id: string;
  email: string;
  role: string;
  token: string;
  call: ReturnType<typeof api>;
}

/** Registers a user over REST and logs in. */
export async function signUp(
  baseUrl: string,
  name: string,
  role: 'job_seeker' | 'recruiter',
): Promise<TestUser> {
  const email = `${name.toLowerCase()}@example.test`;
  const anon = api(baseUrl);
  const registered = await anon('POST', '/api/v1/auth/register', {
    email,
    password: 'password-123',
    role,
    name,
  });
  if (registered.status !== 201) throw new Error(`register ${name}: ${JSON.stringify(registered.body)}`);
  return logIn(baseUrl, email);
}

export async function logIn(baseUrl: string, email: string, password = 'password-123'): Promise<TestUser> {
  const login = await api(baseUrl)<{ access_token: string; user: { id: string; role: string } }>(
    'POST',
    '/api/v1/auth/login',
    { email, password },
  );
  if (login.status !== 200) throw new Error(`login ${email}: ${JSON.stringify(login.body)}`);
  const token = login.body.access_token;
  return { id: login.body.user.id, email, role: login.body.user.role, token, call: api(baseUrl, token) };
}

/** A native client signed in with `token` (or anonymous), subscribed to `topics`. */
export async function watcher(
  t: TestContext,
  wsUrl: string,
  token: string | undefined,
  topics: string[],
): Promise<TestClient> {
  const client = await TestClient.connect(t, `${wsUrl}/ws${token ? `?token=${token}` : ''}`);
  for (const topic of topics) {
    const answer = await Promise.race([
      client.subscribe(topic),
      client.upcoming('error', (m) => m.ref === topic),
    ]);
    if (answer.type !== 'subscribed') throw new Error(`subscribe ${topic}: ${String(answer.message)}`);
  }
  return client;
}

/** Every event a client has received, as `topic event` strings. */
export const seen = (client: TestClient): string[] =>
  client.events().map((e: Message) => `${String(e.topic)} ${String(e.event)}`);
