import { useState } from 'react';
import { clock } from '../format.js';
import { useNotifications } from '../notifications.js';

/** Every notification of this session, unread ones marked; browser notifications on request. */
export function NotificationsPage() {
  const { items, isRead, markRead, unread } = useNotifications();
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = useState(supported ? Notification.permission : 'denied');
  return (
    <section className="panel page" aria-labelledby="notifications-title">
      <div className="line">
        <h2 id="notifications-title">
          Notifications <span className="count">{unread} unread</span>
        </h2>
        <div className="actions">
          {supported && permission === 'default' && (
            <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>
              Show browser notifications
            </button>
          )}
          <button type="button" onClick={() => markRead()} disabled={unread === 0}>
            Mark all read
          </button>
        </div>
      </div>
      {items.length === 0 ? (
        <p className="empty">
          Nothing yet: analyses, reminders, status changes and notices appear here as they come.
        </p>
      ) : (
        <ol className="feed" data-testid="notifications">
          {items.map((n) => (
            <li key={n.id} className={isRead(n.id) ? 'is-read' : 'is-unread fresh'}>
              <div className="line">
                <strong>{n.title}</strong>
                {!isRead(n.id) && (
                  <button type="button" className="small" onClick={() => markRead(n.id)}>
                    Mark read
                  </button>
                )}
              </div>
              <div className="meta">
                <time dateTime={n.ts}>{clock(n.ts)}</time>
                {n.detail && ` · ${n.detail}`}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
