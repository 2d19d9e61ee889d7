import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cookieValue, SESSION_COOKIE } from '../src/auth/credentials.js';
import { api, signUp } from './helpers/api.js';
import { startServer } from './helpers/server.js';

test('the session cookie is found among the cookies a browser sends, whatever they hold', () => {
  const cases: [string | undefined, string | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    [`${SESSION_COOKIE}=abc`, 'abc'],
    [`theme=dark;${SESSION_COOKIE}=abc; lang=en`, 'abc'],
    [`  ${SESSION_COOKIE} =  abc  ;x=1`, 'abc'],
    // A cookie whose name merely ends with ours, and a value holding '=': neither confuses it.
    [`x${SESSION_COOKIE}=wrong; ${SESSION_COOKIE}=a.b=c`, 'a.b=c'],
    [`${SESSION_COOKIE}=a%20b`, 'a b'],
    // A bad percent-escape is taken as written, not thrown.
    [`${SESSION_COOKIE}=a%zzb`, 'a%zzb'],
    [`${SESSION_COOKIE}=`, undefined],
    ['no pairs at all', undefined],
    [`${SESSION_COOKIE}=first; ${SESSION_COOKIE}=second`, 'first'],
  ];
  for (const [header, expected] of cases) assert.equal(cookieValue(header, SESSION_COOKIE), expected, header);
});

test('a signed-in browser (its cookie beside others) is recognised over REST', async (t) => {
  const { url } = await startServer(t);
  const ada = await signUp(url, 'Ada', 'job_seeker');
  const me = await api(url)<{ user: { id: string } }>('GET', '/api/v1/auth/me', undefined, {
    cookie: `theme=dark; ${SESSION_COOKIE}=${ada.token}; other="x"`,
  });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.id, ada.id);
});
