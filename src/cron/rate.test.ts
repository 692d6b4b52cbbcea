import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSchedule } from './schedule.js';
import { assertInvalid, at, fireTimes } from './test-support.js';

describe('rate expressions', () => {
  test('rate(5 minutes) fires on the five-minute marks of the clock, strictly after the given time', () => {
    assert.deepEqual(fireTimes('rate(5 minutes)', '2026-01-01T12:07:31Z', 3), [
      '2026-01-01T12:10:00.000Z',
      '2026-01-01T12:15:00.000Z',
      '2026-01-01T12:20:00.000Z',
    ]);
    assert.deepEqual(fireTimes('rate(5 minutes)', '2026-01-01T12:10:00Z', 1), ['2026-01-01T12:15:00.000Z']);
  });

  test('rate(1 minute), rate(2 hours) and rate(1 day) are aligned to the Unix epoch, so every node agrees', () => {
    assert.deepEqual(fireTimes('rate(1 minute)', '2026-01-01T12:00:59.999Z', 2), [
      '2026-01-01T12:01:00.000Z',
      '2026-01-01T12:02:00.000Z',
    ]);
    assert.deepEqual(fireTimes('rate(2 hours)', '2026-01-01T01:00:00Z', 2), [
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T04:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes('rate(1 day)', '2026-03-29T12:00:00Z', 2), [
      '2026-03-30T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
  });

  test('an interval that does not divide an hour keeps counting from the epoch, not from the hour', () => {
    // 2026-01-01T00:00Z is a whole number of 7-minute steps after the epoch; 01:00Z is 4 minutes past one.
    assert.deepEqual(fireTimes('rate(7 minutes)', '2026-01-01T00:00:00Z', 2), [
      '2026-01-01T00:07:00.000Z',
      '2026-01-01T00:14:00.000Z',
    ]);
    assert.deepEqual(fireTimes('rate(7 minutes)', '2026-01-01T01:00:00Z', 2), [
      '2026-01-01T01:03:00.000Z',
      '2026-01-01T01:10:00.000Z',
    ]);
    const rate = parseSchedule('rate(7 minutes)');
    const first = rate.next(at('2026-07-04T09:41:27Z'));
    assert.equal(first !== null && first % (7 * 60_000), 0);
  });

  test('the same rate gives the same fire times whenever and wherever it is parsed', () => {
    const a = parseSchedule('rate(90 minutes)');
    const b = parseSchedule({ rate: '90 minutes' });
    const now = at('2026-05-17T13:14:15.161Z');
    assert.equal(a.next(now), b.next(now));
    assert.equal(a.next(now), at('2026-05-17T13:30:00Z'));
  });

  test('describe() gives the normalised expression', () => {
    assert.equal(parseSchedule('  rate(  5   minutes )').describe(), 'rate(5 minutes)');
    assert.equal(parseSchedule({ rate: '1 hour' }).describe(), 'rate(1 hour)');
    const rate = parseSchedule('rate(1 day)');
    assert.equal(rate.kind, 'rate');
    assert.equal(rate.timezone, 'UTC');
  });

  test('a value of 1 needs a singular unit and any other value a plural one, as on AWS', () => {
    assertInvalid(
      'rate(1 minutes)',
      'rate(1 minutes): unit: a value of 1 takes a singular unit: write rate(1 minute)',
    );
    assertInvalid(
      'rate(5 hour)',
      'rate(5 hour): unit: a value above 1 takes a plural unit: write rate(5 hours)',
    );
  });

  test('the value must be a positive whole number and the unit minutes, hours or days', () => {
    const allowed =
      'use rate(value unit) with a positive whole number and minute, minutes, hour, hours, day or days';
    assertInvalid(
      'rate(0 minutes)',
      `rate(0 minutes): value: "0" is not a positive whole number; ${allowed}`,
    );
    assertInvalid('rate(-1 days)', `rate(-1 days): value: "-1" is not a positive whole number; ${allowed}`);
    assertInvalid(
      'rate(1.5 hours)',
      `rate(1.5 hours): value: "1.5" is not a positive whole number; ${allowed}`,
    );
    assertInvalid('rate(2 weeks)', `rate(2 weeks): unit: "weeks" is not a unit; ${allowed}`);
    assertInvalid('rate(30 seconds)', `rate(30 seconds): unit: "seconds" is not a unit; ${allowed}`);
    assertInvalid('rate(5 Minutes)', `rate(5 Minutes): unit: "Minutes" is not a unit; ${allowed}`);
    assertInvalid('rate(5)', `rate(5): expected a value and a unit; ${allowed}`);
    assertInvalid('rate()', `rate(): expected a value and a unit; ${allowed}`);
  });

  test('a rate takes no time zone', () => {
    assertInvalid(
      { rate: 'rate(5 minutes)', timezone: 'Europe/Paris' },
      'rate(5 minutes): timezone: a rate fires at fixed intervals and takes no timezone; use cron for that',
    );
  });
});
