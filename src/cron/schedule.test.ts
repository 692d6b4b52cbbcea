import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GustError } from '../core/errors.js';
import { parseSchedule } from './schedule.js';
import { assertInvalid, at } from './test-support.js';

describe('parseSchedule', () => {
  test('takes every form the manifest allows and tells the two cron dialects apart by cron(...)', () => {
    const cases: [Parameters<typeof parseSchedule>[0], string][] = [
      ['rate(5 minutes)', 'rate(5 minutes)'],
      ['cron(0 12 * * ? *)', 'cron(0 12 * * ? *) UTC'],
      [{ cron: 'cron(0 12 * * ? *)' }, 'cron(0 12 * * ? *) UTC'],
      [{ cron: 'cron(0 12 * * ? *)', timezone: 'Europe/Paris' }, 'cron(0 12 * * ? *) Europe/Paris'],
      [{ cron: '0 12 * * *', timezone: 'Europe/Paris' }, '0 12 * * * Europe/Paris'],
      [{ cron: '0 0 12 * * *' }, '0 0 12 * * * UTC'],
      [{ cron: '0 12 * * *', timezone: undefined }, '0 12 * * * UTC'],
      [{ rate: 'rate(5 minutes)' }, 'rate(5 minutes)'],
      [{ rate: '5 minutes' }, 'rate(5 minutes)'],
      [{ rate: 'cron(0 12 * * ? *)' }, 'cron(0 12 * * ? *) UTC'],
    ];
    for (const [input, described] of cases) {
      assert.equal(parseSchedule(input).describe(), described, JSON.stringify(input));
    }
  });

  test('describe() normalises spacing and name case', () => {
    assert.equal(parseSchedule('  cron( 0  18 ? *  mon-fri * ) ').describe(), 'cron(0 18 ? * MON-FRI *) UTC');
    const schedule = parseSchedule({ cron: 'cron(0 18 ? * mon-fri *)', timezone: 'Europe/Paris' });
    assert.equal(schedule.kind, 'cron');
    assert.equal(schedule.expression, 'cron(0 18 ? * MON-FRI *)');
    assert.equal(schedule.timezone, 'Europe/Paris');
  });

  test('next() is strictly after its argument and returns whole seconds', () => {
    const noon = parseSchedule('cron(0 12 * * ? *)');
    assert.equal(noon.next(at('2026-01-01T12:00:00Z')), at('2026-01-02T12:00:00Z'));
    assert.equal(noon.next(at('2026-01-01T11:59:59.999Z')), at('2026-01-01T12:00:00Z'));
    const everySecond = parseSchedule({ cron: '* * * * * *' });
    assert.equal(everySecond.next(at('2026-01-01T12:00:00.250Z')), at('2026-01-01T12:00:01Z'));
  });

  test('a string must be rate(...) or cron(...)', () => {
    assertInvalid(
      '*/5 * * * *',
      '*/5 * * * *: expected rate(value unit) or cron(minutes hours day-of-month month day-of-week year); for a standard crontab line use { cron: "..." }',
    );
    assertInvalid(
      'every 5 minutes',
      'every 5 minutes: expected rate(value unit) or cron(minutes hours day-of-month month day-of-week year); for a standard crontab line use { cron: "..." }',
    );
  });

  test('other shapes are refused with what a schedule may be', () => {
    const shape =
      'a schedule is a string "rate(...)" or "cron(...)", or an object { cron, timezone? } or { rate }';
    assertInvalid({ cron: 5 }, `{"cron":5}: ${shape}`);
    assertInvalid(null, `null: ${shape}`);
    assertInvalid({}, `{}: ${shape}`);
    assertInvalid(
      { cron: 'cron(0 12 * * ? *)', rate: 'rate(5 minutes)' },
      '{"cron":"cron(0 12 * * ? *)","rate":"rate(5 minutes)"}: give either cron or rate, not both',
    );
  });

  test('errors are GustErrors with the expression and field in their details', () => {
    try {
      parseSchedule('cron(0 25 * * ? *)');
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof GustError);
      assert.equal(error.code, 'ERR_INVALID_SCHEDULE');
      assert.equal(error.status, 400);
      assert.deepEqual(error.details, { expression: 'cron(0 25 * * ? *)', field: 'hours' });
    }
  });
});
