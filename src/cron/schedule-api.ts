import { sendJson } from '../gateway/send.js';
import type { GatewayExtension } from '../gateway/types.js';
import type { Scheduler } from './scheduler.js';

/**
 * What schedules add to the control API (docs/api.md, "Schedules"):
 * `GET /_gust/v1/schedules` lists every deployed schedule with its next and last tick.
 */
export function scheduleApi(scheduler: Pick<Scheduler, 'list'>): GatewayExtension {
  return {
    controlRoutes: [
      {
        method: 'GET',
        path: '/schedules',
        authorize: { action: 'schedules:List', resource: () => 'gust:schedule:*' },
        handler: async (_req, res, ctx) => {
          sendJson(res, 200, { schedules: await scheduler.list() }, ctx.requestId);
        },
      },
    ],
  };
}
