import { EventTypes, topics, type NotificationData } from '@jobstream/protocol';
import type { z } from 'zod';
import type { NotificationInput } from '@jobstream/protocol';
import type { Principal } from '../auth/principal.js';
import type { Store } from '../store/store.js';
import { notFound, now, requireRole } from './access.js';

/**
 * Notifications sent by an admin or a recruiter: to one user (`notification` on `user:{id}`), to a
 * role (`notification` on `role:{role}`), or to everyone (`system.notification` on `system`).
 */
export class NotificationService {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async send(actor: Principal, input: z.output<typeof NotificationInput>): Promise<NotificationData> {
    const sender = requireRole(actor, 'admin', 'recruiter');
    return this.#store.transaction(async (tx) => {
      if (input.user_id) {
        const user = await tx.db
          .selectFrom('users')
          .select('id')
          .where('id', '=', input.user_id)
          .executeTakeFirst();
        if (!user) throw notFound(`user ${input.user_id}`);
      }
      const row = await tx.db
        .insertInto('notifications')
        .values({
          user_id: input.user_id ?? null,
          role: input.role ?? null,
          notification_type: input.notification_type,
          message: input.message,
          priority: input.priority,
          data: JSON.stringify(input.data),
          created_by: sender.userId,
          created_at: now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const audience: NotificationData['audience'] = input.user_id
        ? { user_id: input.user_id }
        : input.role
          ? { role: input.role }
          : 'everyone';
      const data: NotificationData = {
        notification_id: row.id,
        notification_type: row.notification_type,
        message: row.message,
        priority: row.priority,
        data: input.data,
        audience,
      };
      if (input.user_id) {
        await tx.emit({ topic: topics.user(input.user_id), type: EventTypes.notification, data });
      } else if (input.role) {
        await tx.emit({ topic: topics.role(input.role), type: EventTypes.notification, data });
      } else {
        await tx.emit({ topic: topics.system, type: EventTypes.systemNotification, data });
      }
      return data;
    });
  }
}
