import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import type { ScheduleConfig } from '../core/types.js';
import type { FunctionSummary } from '../functions/control-plane.js';
import { createQueueService, type QueueService } from '../queue/queue-service.js';
import { ASYNC_QUEUE, ASYNC_QUEUE_CONFIG } from '../queue/system-queues.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import { at } from './test-support.js';

const MINUTE = 60_000;

/** A registry with just what the scheduler reads: the functions' schedules and change events. */
function fakeRegistry() {
  let functions: FunctionSummary[] = [];
  const listeners = new Set<() => void>();
  return {
    list: () => functions,
    onChange(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    /** Replaces what is deployed (function name → its schedules) and tells listeners. */
    deploy(schedules: Record<string, ScheduleConfig[]>) {
      functions = Object.entries(schedules).map(([name, list]) => ({
        name,
        service: 'app',
        latestVersionId: 'v1',
        createdAt: 0,
        updatedAt: 0,
        config: {
          runtime: 'nodejs20.x',
          handler: 'index.handler',
          memoryMB: 128,
          timeoutSec: 3,
          environment: {},
          routes: [],
          schedules: list,
        },
      }));
      for (const listener of listeners) listener();
    },
  };
}

const schedule = (expression: string, overrides: Partial<ScheduleConfig> = {}): ScheduleConfig => ({
  name: 'tick',
  eventIndex: 0,
  expression,
  enabled: true,
  missed: 'skip',
  ...overrides,
});

interface ScheduledEventBody {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

let store: Store;
let clock: FakeClock;
let queues: QueueService;
let registry: ReturnType<typeof fakeRegistry>;
let logs: string[];
let schedulers: Scheduler[];

beforeEach(async () => {
  store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  clock = new FakeClock(at('2026-01-01T00:01:30Z'));
  queues = createQueueService({ store, clock });
  await queues.putQueue(ASYNC_QUEUE, ASYNC_QUEUE_CONFIG, { kind: 'system', owner: null });
  registry = fakeRegistry();
  logs = [];
  schedulers = [];
});

afterEach(async () => {
  for (const s of schedulers) await s.stop();
  await store.close();
});

/** A scheduler (a node, or a run of Gust) on the shared store, registry and clock. */
function newScheduler(): Scheduler {
  const scheduler = createScheduler({
    store,
    queues,
    registry,
    clock,
    region: 'us-east-1',
    accountId: '000000000000',
    log: (line) => logs.push(line),
  });
  schedulers.push(scheduler);
  return scheduler;
}

/** Lets time pass, then waits for every scheduler to finish what fell due. */
async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await Promise.all(schedulers.map((s) => s.idle()));
}

/** Moves the clock to `iso` a minute at a time, so every timer fires on time. */
async function advanceTo(iso: string): Promise<void> {
  const target = at(iso);
  while (clock.now() < target) await advance(Math.min(MINUTE, target - clock.now()));
}

/** What the async queue holds: one message per fired tick, oldest first. */
async function enqueued() {
  const messages = await queues.peek(ASYNC_QUEUE, 100);
  return messages.map((m) => ({ body: m.body, meta: m.meta as Record<string, unknown> }));
}

async function firedTimes(): Promise<string[]> {
  return (await enqueued()).map((m) => (JSON.parse(m.body) as ScheduledEventBody).time);
}

describe('scheduler', () => {
  it('fires each tick of a rate schedule once, as an async invocation carrying the Scheduled Event', async () => {
    registry.deploy({ report: [schedule('rate(5 minutes)', { name: 'nightly' })] });
    await newScheduler().start();
    assert.deepEqual(await firedTimes(), [], 'the 00:00 tick is 90 s old: not on time, so not fired');

    await advanceTo('2026-01-01T00:05:00Z');
    const [first] = await enqueued();
    const event = JSON.parse(first?.body ?? '{}') as ScheduledEventBody;
    assert.deepEqual(
      { ...event, id: 'ID' },
      {
        version: '0',
        id: 'ID',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: '2026-01-01T00:05:00Z',
        region: 'us-east-1',
        resources: ['arn:aws:events:us-east-1:000000000000:rule/nightly'],
        detail: {},
      },
    );
    assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(first?.meta.kind, 'async');
    assert.equal(first?.meta.functionName, 'report');
    assert.equal(first?.meta.qualifier, '$LATEST');
    assert.equal(first?.meta.trigger, 'schedule');
    assert.equal(typeof first?.meta.requestId, 'string');

    await advanceTo('2026-01-01T00:14:59Z');
    assert.deepEqual(await firedTimes(), ['2026-01-01T00:05:00Z', '2026-01-01T00:10:00Z']);
    assert.equal(await store.schedules.lastFired('report/nightly'), at('2026-01-01T00:10:00Z'));
  });

  it('wakes the async queue consumer as soon as a tick is enqueued', async () => {
    registry.deploy({ report: [schedule('rate(1 minute)')] });
    await newScheduler().start();
    let woken = false;
    const waiting = queues
      .waitForMessages(ASYNC_QUEUE, new AbortController().signal)
      .then(() => (woken = true));
    await advance(29_000);
    assert.equal(woken, false);
    await advance(1000); // 00:02:00
    await waiting;
    assert.equal(woken, true);
  });

  it('sends the schedule input instead of the Scheduled Event when one is given', async () => {
    registry.deploy({ report: [schedule('rate(5 minutes)', { input: '{"kind":"cleanup"}' })] });
    await newScheduler().start();
    await advanceTo('2026-01-01T00:05:00Z');
    assert.deepEqual(
      (await enqueued()).map((m) => m.body),
      ['{"kind":"cleanup"}'],
    );
  });

  it('fires a six-field crontab schedule every second in its time zone', async () => {
    registry.deploy({ report: [schedule('*/20 * * * * *', { timezone: 'Europe/Paris' })] });
    await newScheduler().start();
    for (let i = 0; i < 60; i++) await advance(1000);
    assert.deepEqual(await firedTimes(), [
      '2026-01-01T00:01:20Z', // 10 s old at start: on time, so a new schedule fires it
      '2026-01-01T00:01:40Z',
      '2026-01-01T00:02:00Z',
      '2026-01-01T00:02:20Z',
    ]);
  });

  it('does not fire a tick again when a second node or a restarted Gust shares the store', async () => {
    registry.deploy({ report: [schedule('rate(1 minute)')] });
    const first = newScheduler();
    await first.start();
    await newScheduler().start(); // a second node
    await advanceTo('2026-01-01T00:03:00Z');
    const fired = ['2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z', '2026-01-01T00:03:00Z'];
    assert.deepEqual(await firedTimes(), fired, '00:01 was on time when the first node started');

    // A restart 10 s after the 00:03 tick: that tick is on time, but it was fired already.
    await first.stop();
    await advance(10_000);
    await newScheduler().start();
    assert.deepEqual(await firedTimes(), fired);
    await advanceTo('2026-01-01T00:04:00Z');
    assert.deepEqual(await firedTimes(), [...fired, '2026-01-01T00:04:00Z']);
  });

  it('skips ticks missed while Gust was down, by default', async () => {
    registry.deploy({ report: [schedule('rate(5 minutes)')] });
    const before = newScheduler();
    await before.start();
    await advanceTo('2026-01-01T00:05:00Z');
    await before.stop();
    await advanceTo('2026-01-01T00:17:00Z'); // down from 00:05 to 00:17
    await newScheduler().start();
    assert.deepEqual(await firedTimes(), ['2026-01-01T00:05:00Z']);
    await advanceTo('2026-01-01T00:20:00Z');
    assert.deepEqual(await firedTimes(), ['2026-01-01T00:05:00Z', '2026-01-01T00:20:00Z']);
  });

  it('runs the latest missed tick once with missed: run-latest', async () => {
    registry.deploy({ report: [schedule('rate(5 minutes)', { missed: 'run-latest' })] });
    const before = newScheduler();
    await before.start();
    await advanceTo('2026-01-01T00:05:00Z');
    await before.stop();
    await advanceTo('2026-01-01T00:17:00Z');
    await newScheduler().start();
    assert.deepEqual(await firedTimes(), ['2026-01-01T00:05:00Z', '2026-01-01T00:15:00Z']);
    await newScheduler().start(); // another node starting now finds nothing left to run
    await advanceTo('2026-01-01T00:20:00Z');
    assert.deepEqual(await firedTimes(), [
      '2026-01-01T00:05:00Z',
      '2026-01-01T00:15:00Z',
      '2026-01-01T00:20:00Z',
    ]);
  });

  it('fires the latest tick once when its timer goes off late (a busy loop or a suspended machine)', async () => {
    registry.deploy({ report: [schedule('rate(5 minutes)')] });
    await newScheduler().start();
    await advance(12 * MINUTE); // 00:01:30 → 00:13:30 with no chance to run in between
    assert.deepEqual(await firedTimes(), ['2026-01-01T00:10:00Z']);
    await advanceTo('2026-01-01T00:15:00Z');
    assert.deepEqual(await firedTimes(), ['2026-01-01T00:10:00Z', '2026-01-01T00:15:00Z']);
  });

  it('never fires a disabled schedule', async () => {
    registry.deploy({ report: [schedule('rate(1 minute)', { enabled: false })] });
    const scheduler = newScheduler();
    await scheduler.start();
    await advanceTo('2026-01-01T00:10:00Z');
    assert.deepEqual(await firedTimes(), []);
    const [status] = await scheduler.list();
    assert.equal(status?.enabled, false);
    assert.equal(status?.nextTick, null);
  });

  it('stops a schedule that a redeploy removes, and forgets its last tick', async () => {
    registry.deploy({ report: [schedule('rate(1 minute)'), schedule('rate(1 minute)', { name: 'kept' })] });
    const scheduler = newScheduler();
    await scheduler.start();
    await advanceTo('2026-01-01T00:02:00Z');
    assert.equal((await firedTimes()).length, 4, 'both at 00:01 (on time at start) and at 00:02');

    registry.deploy({ report: [schedule('rate(1 minute)', { name: 'kept' })] });
    await scheduler.idle();
    assert.equal(await store.schedules.lastFired('report/tick'), null);
    assert.equal(await store.schedules.lastFired('report/kept'), at('2026-01-01T00:02:00Z'));
    await advanceTo('2026-01-01T00:05:00Z');
    assert.equal((await firedTimes()).length, 7, 'then only the kept one, at 00:03, 00:04 and 00:05');
    assert.deepEqual(
      (await scheduler.list()).map((s) => s.id),
      ['report/kept'],
    );
  });

  it('follows a redeploy that disables a schedule or changes its expression', async () => {
    registry.deploy({ report: [schedule('rate(1 minute)')] });
    const scheduler = newScheduler();
    await scheduler.start();
    await advanceTo('2026-01-01T00:02:00Z');
    registry.deploy({ report: [schedule('rate(1 minute)', { enabled: false })] });
    await advanceTo('2026-01-01T00:04:00Z');
    assert.deepEqual(await firedTimes(), ['2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z']);
    registry.deploy({ report: [schedule('rate(5 minutes)')] });
    await advanceTo('2026-01-01T00:10:00Z');
    assert.deepEqual(await firedTimes(), [
      '2026-01-01T00:01:00Z',
      '2026-01-01T00:02:00Z',
      '2026-01-01T00:05:00Z',
      '2026-01-01T00:10:00Z',
    ]);
  });

  it('tries a tick again when it could not be enqueued, and fires it once', async () => {
    await queues.deleteQueue(ASYNC_QUEUE);
    registry.deploy({ report: [schedule('rate(5 minutes)')] });
    await newScheduler().start();
    await advanceTo('2026-01-01T00:05:00Z');
    assert.equal(logs.length, 1);
    assert.match(logs[0] ?? '', /schedule report\/tick: could not fire the tick of 2026-01-01T00:05:00.000Z/);
    assert.equal(await store.schedules.lastFired('report/tick'), null, 'nothing recorded');

    await queues.putQueue(ASYNC_QUEUE, ASYNC_QUEUE_CONFIG, { kind: 'system', owner: null });
    await advance(1000);
    assert.deepEqual(await firedTimes(), ['2026-01-01T00:05:00Z']);
    await advanceTo('2026-01-01T00:10:00Z');
    assert.deepEqual(await firedTimes(), ['2026-01-01T00:05:00Z', '2026-01-01T00:10:00Z']);
  });

  it('lists every schedule with its description, policy, next tick and last fired tick', async () => {
    registry.deploy({
      report: [
        schedule('cron(0 9 ? * mon-fri *)', { name: 'weekdays', timezone: 'Europe/Paris' }),
        schedule('rate(1 minute)', { name: 'often', missed: 'run-latest' }),
      ],
    });
    const scheduler = newScheduler();
    await scheduler.start();
    await advanceTo('2026-01-01T00:02:00Z');
    assert.deepEqual(await scheduler.list(), [
      {
        id: 'report/often',
        functionName: 'report',
        rule: null,
        name: 'often',
        expression: 'rate(1 minute)',
        timezone: 'UTC',
        enabled: true,
        missed: 'run-latest',
        nextTick: at('2026-01-01T00:03:00Z'),
        lastTick: at('2026-01-01T00:02:00Z'),
        error: null,
      },
      {
        id: 'report/weekdays',
        functionName: 'report',
        rule: null,
        name: 'weekdays',
        expression: 'cron(0 9 ? * MON-FRI *) Europe/Paris',
        timezone: 'Europe/Paris',
        enabled: true,
        missed: 'skip',
        nextTick: at('2026-01-01T08:00:00Z'), // Thursday 09:00 in Paris (UTC+1)
        lastTick: null,
        error: null,
      },
    ]);
  });

  it('keeps running the other schedules when one no longer parses', async () => {
    registry.deploy({
      report: [schedule('cron(0 25 * * ? *)', { name: 'broken' }), schedule('rate(1 minute)')],
    });
    const scheduler = newScheduler();
    await scheduler.start();
    await advanceTo('2026-01-01T00:02:00Z');
    assert.equal((await firedTimes()).length, 2);
    const broken = (await scheduler.list()).find((s) => s.name === 'broken');
    assert.match(broken?.error ?? '', /hours: 25 is out of range/);
    assert.match(logs.join('\n'), /schedule report\/broken cannot run/);
  });

  it('arms no timer after stop', async () => {
    registry.deploy({ report: [schedule('rate(5 minutes)')] });
    const scheduler = newScheduler();
    await scheduler.start();
    await scheduler.stop();
    assert.equal(clock.pendingTimers, 0);
    await advanceTo('2026-01-01T00:10:00Z');
    assert.deepEqual(await firedTimes(), []);
  });
});
