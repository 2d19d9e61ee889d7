import { z } from 'zod';

/** base64url of `bytes` bytes, padded or not (browsers write it without padding). */
const base64url = (bytes: number, what: string) =>
  z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what} must be base64url`)
    .transform((v) => v.replace(/=+$/, ''))
    .refine((v) => Buffer.from(v, 'base64url').length === bytes, `${what} must be ${bytes} bytes`);

/** A browser's `PushSubscription.toJSON()`: where its push service listens, and the keys to encrypt for it. */
export const PushSubscriptionInput = z.object({
  endpoint: z.url({ protocol: /^https?$/, error: 'endpoint must be an http(s) URL' }).max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    p256dh: base64url(65, 'keys.p256dh').refine(
      (v) => Buffer.from(v, 'base64url')[0] === 4,
      'keys.p256dh must be an uncompressed P-256 point',
    ),
    auth: base64url(16, 'keys.auth'),
  }),
});
export type PushSubscriptionInput = z.output<typeof PushSubscriptionInput>;

/** `DELETE /api/v1/push/subscriptions`: the endpoint to forget. */
export const PushUnsubscribeInput = z.object({ endpoint: z.string().min(1).max(2048) });

/** `GET /api/v1/push/public-key`: the application server key for `pushManager.subscribe`. */
export const PushPublicKey = z.object({ public_key: z.string() });

/** A stored subscription, as the API answers it (its keys are not repeated). */
export const PushSubscriptionResource = z.object({ endpoint: z.string(), created_at: z.string() });
