// The dashboard's service worker: it shows Web Push notifications (pushed by the server while the
// dashboard is closed) and, on a click, focuses an open dashboard at the push's page or opens one.

self.addEventListener('install', () => {
  void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  const title = typeof data.title === 'string' && data.title !== '' ? data.title : 'Jobstream';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === 'string' ? data.body : '',
      // One event shows once per device, however many times it is pushed.
      tag: typeof data.id === 'string' ? data.id : undefined,
      data: { url: typeof data.url === 'string' ? data.url : '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  // Only a page of this dashboard: a push never sends the browser elsewhere.
  let url = new URL('/', self.location.origin);
  try {
    const wanted = new URL(event.notification.data?.url ?? '/', self.location.origin);
    if (wanted.origin === self.location.origin) url = wanted;
  } catch {
    // not a URL: the dashboard's home
  }
  event.waitUntil(
    (async () => {
      const open = await clients.matchAll({ type: 'window', includeUncontrolled: true });
      const dashboard = open.find((client) => new URL(client.url).origin === self.location.origin);
      if (dashboard) {
        const focused = await dashboard.focus();
        if ('navigate' in focused && focused.url !== url.href) {
          try {
            await focused.navigate(url.href);
          } catch {
            // an uncontrolled window cannot be navigated by the worker: it is focused at least
          }
        }
        return;
      }
      await clients.openWindow(url.href);
    })(),
  );
});
