import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { DEFAULT_GRACE_MS, dueTicks, latestTick } from './due-ticks.js';
import { parseSchedule } from './schedule.js';
import { at } from './test-support.js';
import type { MissedTickPolicy } from './types.js';

const everyFive = parseSchedule('rate(5 minutes)');
const iso = (ticks: number[]) => ticks.map((tick) => new Date(tick).toISOString());

describe('dueTicks', () => {
  test('a tick that has just fallen due fires, under both policies', () => {
    for (const policy of ['skip', 'run-latest'] as const) {
      const due = dueTicks(everyFive, at('2026-01-01T10:00:00Z'), at('2026-01-01T10:05:00.200Z'), policy);
      assert.deepEqual(iso(due), ['2026-01-01T10:05:00.000Z'], policy);
      assert.deepEqual(
        iso(dueTicks(everyFive, at('2026-01-01T10:00:00Z'), at('2026-01-01T10:05:00Z'), policy)),
        ['2026-01-01T10:05:00.000Z'],
      );
    }
  });

  test('nothing fires before the next tick', () => {
    assert.deepEqual(
      dueTicks(everyFive, at('2026-01-01T10:05:00Z'), at('2026-01-01T10:09:59.999Z'), 'skip'),
      [],
    );
    assert.deepEqual(
      dueTicks(everyFive, at('2026-01-01T10:05:00Z'), at('2026-01-01T10:09:59.999Z'), 'run-latest'),
      [],
    );
  });

  test('a tick already recorded as fired never fires again, even if asked again later', () => {
    for (const policy of ['skip', 'run-latest'] as const) {
      assert.deepEqual(
        dueTicks(everyFive, at('2026-01-01T10:05:00Z'), at('2026-01-01T10:05:00.500Z'), policy),
        [],
      );
      assert.deepEqual(
        dueTicks(everyFive, at('2026-01-01T10:05:00Z'), at('2026-01-01T10:06:00Z'), policy),
        [],
      );
    }
  });

  test('skip: ticks missed while Gust was down are dropped, and the schedule carries on from the next one', () => {
    // Down from 10:02 to 10:17: 10:05, 10:10 and 10:15 were missed.
    assert.deepEqual(dueTicks(everyFive, at('2026-01-01T10:00:00Z'), at('2026-01-01T10:17:00Z'), 'skip'), []);
    assert.equal(everyFive.next(at('2026-01-01T10:17:00Z')), at('2026-01-01T10:20:00Z'));
  });

  test('run-latest: only the most recent missed tick fires, once', () => {
    const due = dueTicks(everyFive, at('2026-01-01T10:00:00Z'), at('2026-01-01T10:17:00Z'), 'run-latest');
    assert.deepEqual(iso(due), ['2026-01-01T10:15:00.000Z']);
    assert.deepEqual(
      dueTicks(everyFive, at('2026-01-01T10:15:00Z'), at('2026-01-01T10:17:00Z'), 'run-latest'),
      [],
    );
  });

  test('skip: a tick is on time while it is less than the grace period old', () => {
    const lastFired = at('2026-01-01T10:10:00Z');
    const justInTime = at('2026-01-01T10:15:00Z') + DEFAULT_GRACE_MS - 1;
    assert.deepEqual(iso(dueTicks(everyFive, lastFired, justInTime, 'skip')), ['2026-01-01T10:15:00.000Z']);
    assert.deepEqual(dueTicks(everyFive, lastFired, justInTime + 1, 'skip'), []);
    assert.deepEqual(
      iso(dueTicks(everyFive, lastFired, at('2026-01-01T10:19:00Z'), 'skip', { graceMs: 5 * 60_000 })),
      ['2026-01-01T10:15:00.000Z'],
    );
  });

  test('with nothing fired yet, nothing counts as missed: only an on-time tick fires', () => {
    for (const policy of ['skip', 'run-latest'] as const) {
      assert.deepEqual(iso(dueTicks(everyFive, null, at('2026-01-01T10:15:30Z'), policy)), [
        '2026-01-01T10:15:00.000Z',
      ]);
      assert.deepEqual(dueTicks(everyFive, null, at('2026-01-01T10:17:00Z'), policy), []);
    }
  });

  test('a stored last tick later than now (a node with a slow clock) fires nothing', () => {
    assert.deepEqual(
      dueTicks(everyFive, at('2026-01-01T10:20:00Z'), at('2026-01-01T10:19:59Z'), 'run-latest'),
      [],
    );
  });

  test('run-latest finds the latest missed tick of a calendar schedule after a long outage', () => {
    const mondays = parseSchedule('cron(0 9 ? * MON *)');
    // Last fired Monday 5 January; down until Wednesday 21 January: the 12th and the 19th were missed.
    const due = dueTicks(mondays, at('2026-01-05T09:00:00Z'), at('2026-01-21T12:00:00Z'), 'run-latest');
    assert.deepEqual(iso(due), ['2026-01-19T09:00:00.000Z']);
    assert.deepEqual(dueTicks(mondays, at('2026-01-05T09:00:00Z'), at('2026-01-21T12:00:00Z'), 'skip'), []);
  });

  test('finding the latest tick of a per-second schedule after a month away takes a few dozen steps', () => {
    const everySecond = parseSchedule({ cron: '* * * * * *' });
    let calls = 0;
    const counted = {
      ...everySecond,
      next: (after: number) => {
        calls++;
        return everySecond.next(after);
      },
    };
    const tick = latestTick(counted, at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00.500Z'));
    assert.equal(tick, at('2026-02-01T00:00:00Z'));
    assert.ok(calls < 50, `${calls} calls`);
  });

  test('a scheduler that records each returned tick fires every tick exactly once, across a restart', () => {
    const clock = new FakeClock(at('2026-01-01T10:00:00Z'));
    const everyMinute = parseSchedule('rate(1 minute)');
    const fired: number[] = [];
    let stored: number | null = null; // what the store would keep, shared by nodes and restarts
    const poll = (policy: MissedTickPolicy) => {
      for (const tick of dueTicks(everyMinute, stored, clock.now(), policy)) {
        stored = tick;
        fired.push(tick);
      }
    };
    // Two nodes poll every 7 seconds, each reading and writing the same stored tick.
    for (let i = 0; i < 60; i++) {
      clock.advance(7_000);
      poll('skip');
      poll('skip');
    }
    // Down for 10 minutes, then a restart with run-latest: 10:08-10:16 were missed, 10:17 is due.
    clock.advance(10 * 60_000);
    poll('run-latest');
    poll('run-latest');
    assert.deepEqual(iso(fired), [
      // 10:00 is 7 seconds old at the first poll, so on time; then one tick a minute up to 10:07.
      ...Array.from({ length: 8 }, (_, i) => new Date(at('2026-01-01T10:00:00Z') + i * 60_000).toISOString()),
      '2026-01-01T10:17:00.000Z',
    ]);
  });

  test('time arguments must be finite numbers', () => {
    assert.throws(() => dueTicks(everyFive, null, Number.NaN, 'skip'), RangeError);
    assert.throws(() => everyFive.next(Number.POSITIVE_INFINITY), RangeError);
    assert.throws(() => dueTicks(everyFive, null, 0, 'skip', { graceMs: 0 }), RangeError);
  });
});
