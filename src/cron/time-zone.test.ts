import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSchedule } from './schedule.js';
import { assertInvalid, at, fireTimes } from './test-support.js';
import { isRepeatedWallTime, utcOffsetMs } from './time-zone.js';

// Europe/Paris in 2026: CET (UTC+1) until Sunday 29 March, when 02:00 jumps to 03:00 CEST (UTC+2)
// at 01:00Z; back on Sunday 25 October, when 03:00 CEST returns to 02:00 CET at 01:00Z, so the
// wall-clock hour 02:00-03:00 happens twice (00:00Z-01:00Z, then 01:00Z-02:00Z).
const paris = (cron: string) => ({ cron, timezone: 'Europe/Paris' });

describe('time zones', () => {
  test('cron fields are read in the given zone, following its summer and winter offsets', () => {
    assert.deepEqual(fireTimes(paris('cron(0 12 * * ? *)'), '2026-01-01T00:00:00Z', 1), [
      '2026-01-01T11:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes(paris('cron(0 12 * * ? *)'), '2026-07-01T00:00:00Z', 1), [
      '2026-07-01T10:00:00.000Z',
    ]);
    assert.deepEqual(
      fireTimes({ cron: '0 9 * * *', timezone: 'America/New_York' }, '2026-07-01T00:00:00Z', 1),
      ['2026-07-01T13:00:00.000Z'],
    );
  });

  test('without a zone, cron is UTC', () => {
    assert.equal(parseSchedule('cron(0 12 * * ? *)').timezone, 'UTC');
    assert.equal(parseSchedule({ cron: '0 12 * * *' }).timezone, 'UTC');
  });

  test('day boundaries are the zone’s: a weekday schedule in Paris fires on Paris weekdays', () => {
    // 00:30 Monday in Paris is 23:30 Sunday UTC.
    assert.deepEqual(fireTimes(paris('cron(30 0 ? * MON-FRI *)'), '2026-01-02T23:00:00Z', 1), [
      '2026-01-04T23:30:00.000Z',
    ]);
  });

  test('an unknown or empty zone is refused; a zone name is matched without regard to case', () => {
    const allowed = 'use an IANA time zone name such as Europe/Paris, America/New_York or UTC';
    assertInvalid(
      { cron: 'cron(0 12 * * ? *)', timezone: 'Europe/Atlantis' },
      `cron(0 12 * * ? *): timezone: unknown time zone "Europe/Atlantis"; ${allowed}`,
    );
    assertInvalid(
      { cron: '0 12 * * *', timezone: '+02:00' },
      `0 12 * * *: timezone: unknown time zone "+02:00"; ${allowed}`,
    );
    assertInvalid(
      { cron: '0 12 * * *', timezone: ' ' },
      `0 12 * * *: timezone: the time zone is empty; ${allowed}`,
    );
    assert.equal(parseSchedule(paris('cron(0 12 * * ? *)')).describe(), 'cron(0 12 * * ? *) Europe/Paris');
    assert.equal(
      parseSchedule({ cron: 'cron(0 12 * * ? *)', timezone: 'europe/paris' }).timezone,
      'Europe/Paris',
    );
  });

  test('offsets and repeated wall-clock times are read from the tz database', () => {
    assert.equal(utcOffsetMs(at('2026-01-15T12:00:00Z'), 'Europe/Paris'), 3_600_000);
    assert.equal(utcOffsetMs(at('2026-07-15T12:00:00Z'), 'Europe/Paris'), 7_200_000);
    assert.equal(isRepeatedWallTime(at('2026-10-25T00:30:00Z'), 'Europe/Paris'), false); // first 02:30
    assert.equal(isRepeatedWallTime(at('2026-10-25T01:30:00Z'), 'Europe/Paris'), true); // second 02:30
    assert.equal(isRepeatedWallTime(at('2026-10-25T02:30:00Z'), 'Europe/Paris'), false); // 03:30, once
  });
});

describe('daylight saving time with AWS cron: as EventBridge Scheduler', () => {
  test('spring forward: a time the clocks skip does not fire that day', () => {
    assert.deepEqual(fireTimes(paris('cron(30 2 * * ? *)'), '2026-03-27T12:00:00Z', 3), [
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-30T00:30:00.000Z', // 02:30 CEST; 29 March has no 02:30
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  test('spring forward: an interval carries on across the gap', () => {
    assert.deepEqual(fireTimes(paris('cron(0/30 * * * ? *)'), '2026-03-29T00:15:00Z', 3), [
      '2026-03-29T00:30:00.000Z', // 01:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-29T01:30:00.000Z', // 03:30 CEST
    ]);
  });

  test('fall back: a time that happens twice fires once, the first time', () => {
    assert.deepEqual(fireTimes(paris('cron(30 2 * * ? *)'), '2026-10-24T12:00:00Z', 2), [
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-26T01:30:00.000Z', // 02:30 CET the next day
    ]);
  });

  test('fall back: an interval does not repeat the wall-clock hour that happens twice', () => {
    assert.deepEqual(fireTimes(paris('cron(0/30 * * * ? *)'), '2026-10-24T23:45:00Z', 4), [
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T02:00:00.000Z', // 03:00 CET; the second 02:00 and 02:30 are skipped
      '2026-10-25T02:30:00.000Z',
    ]);
  });
});

describe('daylight saving time with crontab lines: as Vixie cron', () => {
  test('spring forward: a fixed time the clocks skip fires right after the gap, the same day', () => {
    assert.deepEqual(fireTimes(paris('30 2 * * *'), '2026-03-28T12:00:00Z', 2), [
      '2026-03-29T01:00:00.000Z', // 03:00 CEST, the first instant after the gap
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  test('fall back: a fixed time fires once, the first time', () => {
    assert.deepEqual(fireTimes(paris('30 2 * * *'), '2026-10-24T12:00:00Z', 2), [
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  test('fall back: an interval fires through both passes of the repeated hour', () => {
    assert.deepEqual(fireTimes(paris('*/30 * * * *'), '2026-10-24T23:45:00Z', 5), [
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T01:30:00.000Z', // 02:30 CET
      '2026-10-25T02:00:00.000Z', // 03:00 CET
    ]);
  });

  test('a seconds schedule keeps its 10-second beat across the spring gap', () => {
    assert.deepEqual(fireTimes(paris('*/10 * * * * *'), '2026-03-29T00:59:45Z', 3), [
      '2026-03-29T00:59:50.000Z', // 01:59:50 CET
      '2026-03-29T01:00:00.000Z', // 03:00:00 CEST
      '2026-03-29T01:00:10.000Z',
    ]);
  });
});
