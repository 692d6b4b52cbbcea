import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestGateway } from '../gateway/test-support.js';
import { scheduleApi } from './schedule-api.js';
import type { ScheduleStatus } from './scheduler.js';

describe('schedule API', () => {
  it('GET /_gust/v1/schedules answers the scheduler list', async () => {
    const status: ScheduleStatus = {
      id: 'report/tick',
      functionName: 'report',
      rule: null,
      name: 'tick',
      expression: 'rate(1 minute)',
      timezone: 'UTC',
      enabled: true,
      missed: 'skip',
      nextTick: 60_000,
      lastTick: null,
      error: null,
    };
    const gw = await startTestGateway({}, [scheduleApi({ list: async () => [status] })]);
    try {
      const res = await fetch(`${gw.url}/_gust/v1/schedules`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { schedules: [status] });
      const wrong = await fetch(`${gw.url}/_gust/v1/schedules`, { method: 'POST' });
      assert.equal(wrong.status, 405);
    } finally {
      await gw.stop();
    }
  });
});
