import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSchedule } from './schedule.js';
import { assertInvalid, fireTimes } from './test-support.js';

// Calendar used below: 2026-01-01 is a Thursday; 2026-02-01 and 2026-03-01 are Sundays;
// 2026-01-31 and 2026-08-01 are Saturdays; 2026-02-15 is a Sunday; 2026-08-15 a Saturday.

describe('AWS cron: the examples of the EventBridge cron reference', () => {
  test('cron(0 10 * * ? *) runs at 10:00 UTC every day', () => {
    assert.deepEqual(fireTimes('cron(0 10 * * ? *)', '2026-01-01T10:00:00Z', 2), [
      '2026-01-02T10:00:00.000Z',
      '2026-01-03T10:00:00.000Z',
    ]);
  });

  test('cron(15 12 * * ? *) runs at 12:15 UTC every day', () => {
    assert.deepEqual(fireTimes('cron(15 12 * * ? *)', '2026-01-01T12:14:59.999Z', 2), [
      '2026-01-01T12:15:00.000Z',
      '2026-01-02T12:15:00.000Z',
    ]);
  });

  test('cron(0 18 ? * MON-FRI *) runs at 18:00 on weekdays and skips the weekend', () => {
    assert.deepEqual(fireTimes('cron(0 18 ? * MON-FRI *)', '2026-01-02T18:00:00Z', 2), [
      '2026-01-05T18:00:00.000Z',
      '2026-01-06T18:00:00.000Z',
    ]);
  });

  test('cron(0 8 1 * ? *) runs at 08:00 on the first day of every month', () => {
    assert.deepEqual(fireTimes('cron(0 8 1 * ? *)', '2026-01-01T08:00:00Z', 2), [
      '2026-02-01T08:00:00.000Z',
      '2026-03-01T08:00:00.000Z',
    ]);
  });

  test('cron(0/15 * * * ? *) runs every 15 minutes from minute 0', () => {
    assert.deepEqual(fireTimes('cron(0/15 * * * ? *)', '2026-01-01T12:07:00Z', 4), [
      '2026-01-01T12:15:00.000Z',
      '2026-01-01T12:30:00.000Z',
      '2026-01-01T12:45:00.000Z',
      '2026-01-01T13:00:00.000Z',
    ]);
  });

  test('cron(1/10 * * * ? *) starts at minute 1: the 11th, 21st, 31st minute and so on', () => {
    assert.deepEqual(fireTimes('cron(1/10 * * * ? *)', '2026-01-01T12:45:00Z', 3), [
      '2026-01-01T12:51:00.000Z',
      '2026-01-01T13:01:00.000Z',
      '2026-01-01T13:11:00.000Z',
    ]);
  });

  test('cron(0/10 * ? * MON-FRI *) runs every 10 minutes on weekdays, from Monday 00:00', () => {
    assert.deepEqual(fireTimes('cron(0/10 * ? * MON-FRI *)', '2026-01-02T23:55:00Z', 2), [
      '2026-01-05T00:00:00.000Z',
      '2026-01-05T00:10:00.000Z',
    ]);
  });

  test('cron(0/5 8-17 ? * MON-FRI *) runs every 5 minutes from 08:00 to 17:55 on weekdays', () => {
    assert.deepEqual(fireTimes('cron(0/5 8-17 ? * MON-FRI *)', '2026-01-05T17:50:00Z', 3), [
      '2026-01-05T17:55:00.000Z',
      '2026-01-06T08:00:00.000Z',
      '2026-01-06T08:05:00.000Z',
    ]);
  });

  test('cron(0 9 ? * 2#1 *) runs at 09:00 on the first Monday of each month', () => {
    assert.deepEqual(fireTimes('cron(0 9 ? * 2#1 *)', '2026-01-01T00:00:00Z', 3), [
      '2026-01-05T09:00:00.000Z',
      '2026-02-02T09:00:00.000Z',
      '2026-03-02T09:00:00.000Z',
    ]);
  });
});

describe('AWS cron: day of week counts 1 = SUN to 7 = SAT', () => {
  test('1 is Sunday, 2 Monday and 7 Saturday, the same days as their names', () => {
    assert.deepEqual(fireTimes('cron(0 12 ? * 1 *)', '2026-01-01T00:00:00Z', 1), [
      '2026-01-04T12:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes('cron(0 12 ? * SUN *)', '2026-01-01T00:00:00Z', 1), [
      '2026-01-04T12:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes('cron(0 12 ? * 2 *)', '2026-01-01T00:00:00Z', 1), [
      '2026-01-05T12:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes('cron(0 12 ? * 7 *)', '2026-01-01T00:00:00Z', 1), [
      '2026-01-03T12:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes('cron(0 12 ? * SAT *)', '2026-01-01T00:00:00Z', 1), [
      '2026-01-03T12:00:00.000Z',
    ]);
  });

  test('a numeric range 2-6 is Monday to Friday', () => {
    assert.deepEqual(fireTimes('cron(0 12 ? * 2-6 *)', '2026-01-02T12:00:00Z', 1), [
      '2026-01-05T12:00:00.000Z',
    ]);
  });

  test('a list of days fires on each of them', () => {
    assert.deepEqual(fireTimes('cron(0 12 ? * 1,4 *)', '2026-01-01T12:00:00Z', 3), [
      '2026-01-04T12:00:00.000Z',
      '2026-01-07T12:00:00.000Z',
      '2026-01-11T12:00:00.000Z',
    ]);
  });

  test('0 is not a day: AWS days run from 1 to 7', () => {
    assertInvalid(
      'cron(0 12 ? * 0 *)',
      'cron(0 12 ? * 0 *): day-of-week: 0 is out of range; allowed: 1-7 (1 = SUN) or SUN-SAT with , - * ? L #',
    );
  });

  test('3#2 is the second Tuesday of the month', () => {
    assert.deepEqual(fireTimes('cron(0 12 ? * 3#2 *)', '2026-01-01T00:00:00Z', 2), [
      '2026-01-13T12:00:00.000Z',
      '2026-02-10T12:00:00.000Z',
    ]);
  });
});

describe('AWS cron: L and W', () => {
  test('L in day-of-month is the last day of the month, leap years included', () => {
    assert.deepEqual(fireTimes('cron(0 0 L * ? *)', '2026-01-31T00:00:00Z', 2), [
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes('cron(0 0 L 2 ? *)', '2027-03-01T00:00:00Z', 1), ['2028-02-29T00:00:00.000Z']);
  });

  test('L in day-of-week alone is Saturday, the last day of the week', () => {
    assert.deepEqual(fireTimes('cron(0 0 ? * L *)', '2026-01-01T00:00:00Z', 2), [
      '2026-01-03T00:00:00.000Z',
      '2026-01-10T00:00:00.000Z',
    ]);
  });

  test('6L is the last Friday of the month', () => {
    assert.deepEqual(fireTimes('cron(0 0 ? * 6L *)', '2026-01-01T00:00:00Z', 2), [
      '2026-01-30T00:00:00.000Z',
      '2026-02-27T00:00:00.000Z',
    ]);
    assert.deepEqual(fireTimes('cron(0 0 ? * FRIL *)', '2026-01-01T00:00:00Z', 1), [
      '2026-01-30T00:00:00.000Z',
    ]);
  });

  test('15W is the weekday nearest the 15th: Friday before a Saturday, Monday after a Sunday', () => {
    assert.deepEqual(fireTimes('cron(0 0 15W * ? *)', '2026-01-01T00:00:00Z', 2), [
      '2026-01-15T00:00:00.000Z', // a Thursday
      '2026-02-16T00:00:00.000Z', // the 15th is a Sunday
    ]);
    assert.deepEqual(fireTimes('cron(0 0 15W 8 ? *)', '2026-01-01T00:00:00Z', 1), [
      '2026-08-14T00:00:00.000Z',
    ]);
  });

  test('1W never leaves the month: a Saturday the 1st moves to Monday the 3rd', () => {
    assert.deepEqual(fireTimes('cron(0 0 1W 8 ? *)', '2026-01-01T00:00:00Z', 1), [
      '2026-08-03T00:00:00.000Z',
    ]);
  });

  test('LW is the last weekday of the month', () => {
    assert.deepEqual(fireTimes('cron(0 0 LW * ? *)', '2026-01-01T00:00:00Z', 1), [
      '2026-01-30T00:00:00.000Z',
    ]);
  });
});

describe('AWS cron: months and years', () => {
  test('month names and numbers are the same months, in any case', () => {
    const expected = ['2026-07-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'];
    assert.deepEqual(fireTimes('cron(0 0 1 JAN,JUL ? *)', '2026-01-01T00:00:00Z', 2), expected);
    assert.deepEqual(fireTimes('cron(0 0 1 1,7 ? *)', '2026-01-01T00:00:00Z', 2), expected);
    assert.deepEqual(fireTimes('cron(0 0 1 jan,jul ? *)', '2026-01-01T00:00:00Z', 2), expected);
  });

  test('a year range fires within those years only, then the schedule ends', () => {
    const schedule = parseSchedule('cron(0 0 1 1 ? 2027-2028)');
    assert.deepEqual(fireTimes(schedule, '2026-06-01T00:00:00Z', 5), [
      '2027-01-01T00:00:00.000Z',
      '2028-01-01T00:00:00.000Z',
    ]);
    assert.equal(schedule.next(Date.parse('2028-01-01T00:00:00Z')), null);
  });

  test('a year step counts from its start year', () => {
    assert.deepEqual(fireTimes('cron(0 0 1 1 ? 2026/3)', '2025-06-01T00:00:00Z', 3), [
      '2026-01-01T00:00:00.000Z',
      '2029-01-01T00:00:00.000Z',
      '2032-01-01T00:00:00.000Z',
    ]);
  });

  test('a year that has passed never fires', () => {
    assert.equal(parseSchedule('cron(0 12 * * ? 2025)').next(Date.parse('2026-01-01T00:00:00Z')), null);
  });

  test('* in the year field spans 1970-2199, as on AWS', () => {
    assert.deepEqual(fireTimes('cron(0 0 1 1 ? *)', '1960-06-01T00:00:00Z', 1), ['1970-01-01T00:00:00.000Z']);
    assert.deepEqual(fireTimes('cron(0 0 1 1 ? *)', '2198-06-01T00:00:00Z', 2), ['2199-01-01T00:00:00.000Z']);
  });
});

describe('AWS cron: invalid expressions name the field and what it allows', () => {
  test('day-of-month and day-of-week cannot both be given, nor both be ?', () => {
    assertInvalid(
      'cron(0 12 * * * *)',
      'cron(0 12 * * * *): day-of-month and day-of-week cannot both be specified; use ? in one of them',
    );
    assertInvalid(
      'cron(0 12 1 * MON *)',
      'cron(0 12 1 * MON *): day-of-month and day-of-week cannot both be specified; use ? in one of them',
    );
    assertInvalid(
      'cron(0 12 ? * ? *)',
      'cron(0 12 ? * ? *): day-of-month and day-of-week cannot both be ?; give one of them a value or *',
    );
  });

  test('six fields are required, the year included', () => {
    assertInvalid(
      'cron(0 12 * * ?)',
      'cron(0 12 * * ?): expected 6 fields (minutes hours day-of-month month day-of-week year), got 5; add the year field, e.g. * for every year',
    );
    assertInvalid(
      'cron(0 0 12 * * ? *)',
      'cron(0 0 12 * * ? *): expected 6 fields (minutes hours day-of-month month day-of-week year), got 7',
    );
  });

  test('values out of range name the field and its allowed values', () => {
    assertInvalid(
      'cron(60 12 * * ? *)',
      'cron(60 12 * * ? *): minutes: 60 is out of range; allowed: 0-59 with , - * /',
    );
    assertInvalid(
      'cron(0 24 * * ? *)',
      'cron(0 24 * * ? *): hours: 24 is out of range; allowed: 0-23 with , - * /',
    );
    assertInvalid(
      'cron(0 12 32 * ? *)',
      'cron(0 12 32 * ? *): day-of-month: 32 is out of range; allowed: 1-31 with , - * ? / L W',
    );
    assertInvalid(
      'cron(0 12 * 13 ? *)',
      'cron(0 12 * 13 ? *): month: 13 is out of range; allowed: 1-12 or JAN-DEC with , - * /',
    );
    assertInvalid(
      'cron(0 12 ? * 8 *)',
      'cron(0 12 ? * 8 *): day-of-week: 8 is out of range; allowed: 1-7 (1 = SUN) or SUN-SAT with , - * ? L #',
    );
    assertInvalid(
      'cron(0 12 * * ? 2200)',
      'cron(0 12 * * ? 2200): year: 2200 is out of range; allowed: 1970-2199 with , - * /',
    );
  });

  test('wildcards a field does not take are refused', () => {
    assertInvalid(
      'cron(0 12 * ? ? *)',
      'cron(0 12 * ? ? *): month: ? stands alone, and only in day-of-month or day-of-week',
    );
    assertInvalid(
      'cron(? 12 * * ? *)',
      'cron(? 12 * * ? *): minutes: ? stands alone, and only in day-of-month or day-of-week',
    );
    assertInvalid(
      'cron(0 12 ? * MON/2 *)',
      'cron(0 12 ? * MON/2 *): day-of-week: / is not allowed here ("MON/2"); allowed: 1-7 (1 = SUN) or SUN-SAT with , - * ? L #',
    );
    assertInvalid(
      'cron(0 L * * ? *)',
      'cron(0 L * * ? *): hours: "L" is not allowed; allowed: 0-23 with , - * /',
    );
    assertInvalid(
      'cron(0 12 * FOO ? *)',
      'cron(0 12 * FOO ? *): month: "FOO" is not allowed; allowed: 1-12 or JAN-DEC with , - * /',
    );
  });

  test('# stands alone in day-of-week and counts 1 to 5', () => {
    assertInvalid(
      'cron(0 12 ? * 3#1,6#3 *)',
      'cron(0 12 ? * 3#1,6#3 *): day-of-week: "3#1,6#3": # stands alone in day-of-week, as day#n such as 3#2 (the second Tuesday)',
    );
    assertInvalid(
      'cron(0 12 ? * 2#6 *)',
      'cron(0 12 ? * 2#6 *): day-of-week: "2#6": the n in day#n must be 1-5',
    );
  });

  test('L and W stand alone in day-of-month', () => {
    const rule =
      'L and W stand alone, as L (last day), LW (last weekday) or nW such as 15W (weekday nearest the 15th)';
    assertInvalid('cron(0 12 L-2 * ? *)', `cron(0 12 L-2 * ? *): day-of-month: "L-2": ${rule}`);
    assertInvalid('cron(0 12 1,L * ? *)', `cron(0 12 1,L * ? *): day-of-month: "1,L": ${rule}`);
    assertInvalid('cron(0 12 1-5W * ? *)', `cron(0 12 1-5W * ? *): day-of-month: "1-5W": ${rule}`);
  });

  test('ranges run forwards and steps are positive', () => {
    assertInvalid(
      'cron(0 17-8 * * ? *)',
      'cron(0 17-8 * * ? *): hours: the range "17-8" runs backwards; write the smaller value first',
    );
    assertInvalid(
      'cron(0/0 * * * ? *)',
      'cron(0/0 * * * ? *): minutes: the step in "0/0" must be a whole number from 1 to 59',
    );
    assertInvalid(
      'cron(0/x * * * ? *)',
      'cron(0/x * * * ? *): minutes: the step in "0/x" must be a whole number from 1 to 59',
    );
  });

  test('lists may not hold *, ? or empty items', () => {
    assertInvalid(
      'cron(0 12 1,? * ? *)',
      'cron(0 12 1,? * ? *): day-of-month: ? stands alone, and only in day-of-month or day-of-week',
    );
    assertInvalid(
      'cron(0 1,,2 * * ? *)',
      'cron(0 1,,2 * * ? *): hours: "1,,2" has an empty list item; allowed: 0-23 with , - * /',
    );
    assertInvalid(
      'cron(0 *,2 * * ? *)',
      'cron(0 *,2 * * ? *): hours: "*,2": * cannot be part of a list; allowed: 0-23 with , - * /',
    );
  });
});
