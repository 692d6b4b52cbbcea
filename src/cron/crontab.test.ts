import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSchedule } from './schedule.js';
import { assertInvalid, fireTimes } from './test-support.js';

// 2026-01-01 is a Thursday.

describe('crontab lines in { cron }', () => {
  test('five fields have minute precision', () => {
    assert.deepEqual(fireTimes({ cron: '*/10 * * * *' }, '2026-01-01T12:00:00Z', 2), [
      '2026-01-01T12:10:00.000Z',
      '2026-01-01T12:20:00.000Z',
    ]);
  });

  test('six fields put seconds first', () => {
    assert.deepEqual(fireTimes({ cron: '*/10 * * * * *' }, '2026-01-01T12:00:05Z', 3), [
      '2026-01-01T12:00:10.000Z',
      '2026-01-01T12:00:20.000Z',
      '2026-01-01T12:00:30.000Z',
    ]);
    assert.deepEqual(fireTimes({ cron: '30 0 12 * * *' }, '2026-01-01T00:00:00Z', 1), [
      '2026-01-01T12:00:30.000Z',
    ]);
  });

  test('day of week counts 0 = SUN to 6 = SAT, and 7 is Sunday again', () => {
    assert.deepEqual(fireTimes({ cron: '0 12 * * 0' }, '2026-01-01T00:00:00Z', 1), [
      '2026-01-04T12:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes({ cron: '0 12 * * 7' }, '2026-01-01T00:00:00Z', 1), [
      '2026-01-04T12:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes({ cron: '0 12 * * 1' }, '2026-01-01T00:00:00Z', 1), [
      '2026-01-05T12:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes({ cron: '0 12 * * 1-5' }, '2026-01-02T12:00:00Z', 1), [
      '2026-01-05T12:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes({ cron: '0 0 * * FRI-SUN' }, '2026-01-01T00:00:00Z', 4), [
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
      '2026-01-09T00:00:00.000Z',
    ]);
  });

  test('when both day fields are restricted, a day matching either fires, as in Vixie cron', () => {
    // The 13th (a Tuesday in January 2026) or any Friday.
    assert.deepEqual(fireTimes({ cron: '0 12 13 * FRI' }, '2026-01-08T00:00:00Z', 3), [
      '2026-01-09T12:00:00.000Z',
      '2026-01-13T12:00:00.000Z',
      '2026-01-16T12:00:00.000Z',
    ]);
  });

  test('? in a day field is the same as *', () => {
    assert.deepEqual(
      fireTimes({ cron: '0 12 ? * MON' }, '2026-01-01T00:00:00Z', 2),
      fireTimes({ cron: '0 12 * * MON' }, '2026-01-01T00:00:00Z', 2),
    );
  });

  test('L, W and # work as in AWS cron, with crontab day numbers', () => {
    assert.deepEqual(fireTimes({ cron: '0 0 L * *' }, '2026-02-01T00:00:00Z', 1), [
      '2026-02-28T00:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes({ cron: '0 0 15W * *' }, '2026-02-01T00:00:00Z', 1), [
      '2026-02-16T00:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes({ cron: '0 9 * * 1#1' }, '2026-01-06T00:00:00Z', 1), [
      '2026-02-02T09:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes({ cron: '0 0 * * 5L' }, '2026-01-01T00:00:00Z', 1), [
      '2026-01-30T00:00:00.000Z',
    ]);
  });

  test('nicknames stand for their lines', () => {
    assert.deepEqual(fireTimes({ cron: '@daily' }, '2026-01-01T12:00:00Z', 1), ['2026-01-02T00:00:00.000Z']);
    assert.deepEqual(fireTimes({ cron: '@hourly' }, '2026-01-01T12:00:00Z', 1), ['2026-01-01T13:00:00.000Z']);
    assert.deepEqual(fireTimes({ cron: '@weekly' }, '2026-01-01T12:00:00Z', 1), ['2026-01-04T00:00:00.000Z']);
    assert.equal(parseSchedule({ cron: '@Daily' }).describe(), '@daily UTC');
  });

  test('describe() gives the fields with upper-case names and the time zone', () => {
    assert.equal(parseSchedule({ cron: ' */10  *  * * * * ' }).describe(), '*/10 * * * * * UTC');
    assert.equal(
      parseSchedule({ cron: '0 18 * * mon-fri', timezone: 'Europe/Paris' }).describe(),
      '0 18 * * MON-FRI Europe/Paris',
    );
  });

  test('an AWS expression without its cron(...) is refused rather than read with another meaning', () => {
    assertInvalid(
      { cron: '0 12 * * ? *' },
      '0 12 * * ? *: month: ? is allowed only in day-of-month and day-of-week; as an AWS expression write cron(0 12 * * ? *)',
    );
    assertInvalid(
      { cron: '0 18 ? * MON-FRI *' },
      '0 18 ? * MON-FRI *: hour: ? is allowed only in day-of-month and day-of-week; as an AWS expression write cron(0 18 ? * MON-FRI *)',
    );
  });

  test('invalid lines name the field and what it allows', () => {
    assertInvalid(
      { cron: '* * * *' },
      '* * * *: expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 4',
    );
    assertInvalid(
      { cron: '0 0 0 12 * * *' },
      '0 0 0 12 * * *: expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 7',
    );
    assertInvalid(
      { cron: '0 12 32 * *' },
      '0 12 32 * *: day-of-month: 32 is out of range; allowed: 1-31 with , - * ? / L W',
    );
    assertInvalid(
      { cron: '0 12 * * 8' },
      '0 12 * * 8: day-of-week: 8 is out of range; allowed: 0-7 (0 and 7 = SUN) or SUN-SAT with , - * ? / L #',
    );
    assertInvalid(
      { cron: '60 * * * * *' },
      '60 * * * * *: second: 60 is out of range; allowed: 0-59 with , - * /',
    );
    assertInvalid(
      { cron: '@reboot' },
      '@reboot: unknown nickname; use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
    );
  });
});
