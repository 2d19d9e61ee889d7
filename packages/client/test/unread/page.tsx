// The page of the unread-count test: useUnreadCount under StrictMode, its states on `window.unread`.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { JobstreamProvider, useUnreadCount, type UnreadCountState } from '../../src/react/index.js';

const states: UnreadCountState[] = [];
let loads = 0;

function Badge({ url, token, userId }: { url: string; token: string; userId: string }) {
  const state = useUnreadCount(userId, {
    load: async () => {
      loads++;
      const res = await fetch(`${url}/api/v1/inbox/unread-count`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await res.json()) as { unread_count: number }).unread_count;
    },
    debounceMs: 50,
  });
  if (states[states.length - 1] !== state) states.push(state);
  return <p>{state.status === 'ready' ? state.count : '…'}</p>;
}

Object.assign(window, {
  unread: {
    states,
    get loads() {
      return loads;
    },
    mount(url: string, token: string, userId: string) {
      createRoot(document.getElementById('root')!).render(
        <StrictMode>
          <JobstreamProvider url={url} token={token}>
            <Badge url={url} token={token} userId={userId} />
          </JobstreamProvider>
        </StrictMode>,
      );
    },
  },
});
