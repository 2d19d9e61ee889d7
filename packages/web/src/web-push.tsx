// Web Push on a click: permission asked only then, the service worker (/sw.js) registered, the browser
// subscribed with the server's VAPID key and the subscription stored (POST /api/v1/push/subscriptions).
import { useEffect, useState } from 'react';
import { call } from './api.js';

type PushState =
  | { readonly status: 'unsupported' | 'off' | 'working' | 'on' | 'denied' }
  | { readonly status: 'failed'; readonly message: string };

const supported = (): boolean =>
  typeof window !== 'undefined' &&
  'serviceWorker' in navigator &&
  'PushManager' in window &&
  typeof Notification !== 'undefined';

/** base64url (the server's key) as the bytes `applicationServerKey` takes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const sameKey = (subscription: PushSubscription, key: Uint8Array): boolean => {
  const current = subscription.options.applicationServerKey;
  if (!current) return false;
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
};

async function enable(token: string): Promise<PushState> {
  // Asked in the click's own turn, before anything else: browsers refuse a prompt without a gesture.
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return { status: 'denied' };
  const registration = await navigator.serviceWorker.register('/sw.js');
  await navigator.serviceWorker.ready;
  const { public_key } = await call<{ public_key: string }>('/api/v1/push/public-key', { token });
  const key = keyBytes(public_key);
  let subscription = await registration.pushManager.getSubscription();
  // Made with another server key (the server's keys changed): it cannot be pushed to any more.
  if (subscription && !sameKey(subscription, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: key,
  });
  await call('/api/v1/push/subscriptions', { token, body: subscription.toJSON() });
  return { status: 'on' };
}

async function disable(token: string): Promise<PushState> {
  const registration = await navigator.serviceWorker.getRegistration('/');
  const subscription = await registration?.pushManager.getSubscription();
  if (subscription) {
    await call('/api/v1/push/subscriptions', {
      token,
      method: 'DELETE',
      body: { endpoint: subscription.endpoint },
    }).catch(
      () => undefined, // already gone on the server
    );
    await subscription.unsubscribe();
  }
  return { status: 'off' };
}

/**
 * "Push notifications": urgent items (interview reminders, offers, follow-ups due) as system
 * notifications while the dashboard is closed. Nothing is asked of the browser until it is clicked.
 */
export function PushButton({ token }: { token: string }) {
  const [state, setState] = useState<PushState>({ status: supported() ? 'off' : 'unsupported' });
  useEffect(() => {
    if (!supported() || Notification.permission !== 'granted') return;
    let current = true;
    // Already on in this browser? Looked up without asking anything.
    void navigator.serviceWorker
      .getRegistration('/')
      .then((registration) => registration?.pushManager.getSubscription())
      .then((subscription) => {
        if (current && subscription) setState({ status: 'on' });
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);
  if (state.status === 'unsupported') return null;
  const run = (action: (token: string) => Promise<PushState>) => {
    setState({ status: 'working' });
    action(token).then(setState, (error: unknown) =>
      setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  };
  return (
    <div className="push" data-testid="web-push" data-state={state.status}>
      {state.status === 'on' ? (
        <button type="button" className="small" onClick={() => run(disable)}>
          Stop push notifications
        </button>
      ) : (
        <button
          type="button"
          className="small"
          disabled={state.status === 'working' || state.status === 'denied'}
          onClick={() => run(enable)}
        >
          Push notifications
        </button>
      )}
      {state.status === 'denied' && <span className="meta"> blocked in this browser’s settings</span>}
      {state.status === 'failed' && (
        <span className="meta" role="alert">
          {' '}
          {state.message}
        </span>
      )}
    </div>
  );
}
