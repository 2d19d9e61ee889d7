import { useState } from 'react';
import { clock } from '../format.js';
import { useNotifications } from '../notifications.js';

/**
 * The inbox: what was addressed to the user, newest first, kept by the server with its read state on
 * every device (anonymous visitors: this session's notices). Browser notifications on request.
 */
export function NotificationsPage() {
  const { items, isRead, markRead, unread, durable } = useNotifications();
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = useState(supported ? Notification.permission : 'denied');
  return (
    <section className="panel page" aria-labelledby="notifications-title">
      <div className="line">
        <h2 id="notifications-title">
          Notifications{' '}
          <span className="count" data-testid="inbox-unread">
            {unread} unread
          </span>
        </h2>
        {durable && <span className="meta">kept on every device you sign in on</span>}
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
          Nothing yet: status changes, interviews and reminders, follow-ups due, strong matches,
          recommendations and notices appear here, also those that came while you were away.
        </p>
      ) : (
        <ol className="feed" data-testid="notifications">
          {items.map((n) => (
            <li key={n.id} className={isRead(n.id) ? 'is-read' : 'is-unread fresh'} data-id={n.id}>
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
