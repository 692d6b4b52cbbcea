import { z } from 'zod';
import { GustError } from '../core/errors.js';
import { integerParam } from '../gateway/query-params.js';
import { sendJson } from '../gateway/send.js';
import type { ControlRoute } from '../gateway/types.js';
import { readJsonBody } from './api-body.js';
import { checkConsumable, checkWritable } from './queue-access.js';
import type { QueueService } from './queue-service.js';
import type { QueueViews } from './queue-views.js';

/**
 * Control API endpoints for dead-letter queues (`/_gust/v1/dlq...`), which `gust dlq` uses: list
 * them with their depth and the queues they serve, look at their messages with the failure reasons,
 * and redrive messages back to where they came from.
 */

const redriveSchema = z.strictObject({
  toQueue: z.string({ error: 'expected a queue name' }).min(1).optional(),
  max: z.number().int().min(1, { error: 'expected a positive whole number' }).optional(),
});

export function dlqRoutes(queues: QueueService, views: QueueViews): ControlRoute[] {
  return [
    {
      method: 'GET',
      path: '/dlq',
      authorize: { action: 'queue:List', resource: () => 'gust:queue:*' },
      handler: async (_req, res, ctx) =>
        sendJson(res, 200, { deadLetterQueues: await views.deadLetterQueues() }, ctx.requestId),
    },
    {
      method: 'GET',
      path: '/dlq/:name/messages',
      authorize: { action: 'queue:ReadMessages', resource: (p) => `gust:queue:${p.name ?? ''}` },
      handler: async (_req, res, ctx, params) => {
        const limit = integerParam(new URLSearchParams(ctx.query), 'limit', { min: 1, max: 1000 }) ?? 50;
        sendJson(res, 200, { messages: await views.peek(params.name ?? '', limit) }, ctx.requestId);
      },
    },
    {
      method: 'POST',
      path: '/dlq/:name/redrive',
      authorize: { action: 'queue:Redrive', resource: (p) => `gust:queue:${p.name ?? ''}` },
      handler: async (req, res, ctx, params) => {
        const name = params.name ?? '';
        checkConsumable(name);
        const body = await readJsonBody(req, redriveSchema);
        if (body.toQueue !== undefined) {
          checkWritable(body.toQueue);
          ctx.auth.require('queue:Send', `gust:queue:${body.toQueue}`);
          if (body.toQueue === name) {
            throw new GustError('ERR_INVALID_PARAMETER', 'toQueue: a queue cannot be redriven into itself.', {
              details: { parameter: 'toQueue' },
            });
          }
        }
        const moved = await queues.redrive(name, {
          ...(body.toQueue !== undefined ? { toQueue: body.toQueue } : {}),
          ...(body.max !== undefined ? { max: body.max } : {}),
        });
        sendJson(res, 200, { moved, remaining: (await queues.stats(name)).total }, ctx.requestId);
      },
    },
  ];
}
