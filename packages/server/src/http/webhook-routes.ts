import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '@jobstream/protocol';
import { z } from 'zod';
import type { AtsService } from '../domain/ats.js';
import { AppError } from '../errors.js';
import { normalise } from '../webhooks/normalise.js';
import { verified, type Vendor } from '../webhooks/signatures.js';

export const WebhookParams = z.object({ vendor: z.enum(['greenhouse', 'lever', 'ashby']) });
export const WebhookAnswer = z.object({
  received: z.literal(true),
  outcome: z.enum(['applied', 'duplicate', 'stale', 'ignored']),
});

/**
 * `POST /api/v1/webhooks/{greenhouse,lever,ashby}`: an ATS's delivery, verified over its raw body with
 * that vendor's secret (GREENHOUSE_WEBHOOK_SECRET, LEVER_WEBHOOK_SECRET, ASHBY_WEBHOOK_SECRET) before
 * anything is read; a bad or missing signature, or no secret set, is 401 and changes nothing. Any
 * verified delivery is 200 (a vendor retries anything else), saying what it did.
 */
export function registerWebhookRoutes(
  root: FastifyInstance,
  deps: { ats: AtsService; secrets: Readonly<Record<Vendor, string | undefined>> },
): void {
  void root.register((app, _options, done) => {
    // The signature is over the bytes as sent: this scope reads bodies raw, whatever their type.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.post('/api/v1/webhooks/:vendor', { schema: { tags: ['webhooks'] } }, async (req) => {
      const params = WebhookParams.safeParse(req.params);
      if (!params.success)
        throw new AppError(ErrorCode.notFound, 'no such webhook (greenhouse, lever, ashby)');
      const vendor = params.data.vendor;
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const secret = deps.secrets[vendor];
      if (secret === undefined || !verified(vendor, raw, req.headers, secret)) {
        throw new AppError(ErrorCode.unauthorized, `bad or missing ${vendor} signature`);
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new AppError(ErrorCode.invalidMessage, 'the body is not JSON');
      }
      const event = normalise(vendor, raw, body);
      const deliveryId = event?.id ?? digestOf(raw);
      return { received: true, outcome: await deps.ats.receive(vendor, deliveryId, event) };
    });
    done();
  });
}

/** A delivery's id where the vendor gives none, or nothing Jobstream maps: its bytes. */
const digestOf = (raw: Buffer) => createHash('sha256').update(raw).digest('hex');
