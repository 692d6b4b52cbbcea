import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GustError } from '../core/errors.js';
import { parseManifest } from '../functions/manifest.js';
import { scheduleDeployHook } from './deploy-schedules.js';
import { parseScheduleConfig } from './schedule-config.js';

const manifest = (events: string) =>
  parseManifest(
    `service: app\nfunctions:\n  report:\n    handler: report.handler\n    events:\n${events}`,
    'gust.yaml',
  );

async function refusal(events: string): Promise<GustError> {
  try {
    await scheduleDeployHook.check?.(manifest(events));
  } catch (error) {
    return error as GustError;
  }
  assert.fail('the deploy was accepted');
}

describe('schedules at deploy', () => {
  it('accepts every form the manifest allows', async () => {
    await scheduleDeployHook.check?.(
      manifest(
        [
          '      - schedule: rate(5 minutes)',
          '      - schedule: cron(0 12 * * ? *)',
          '      - schedule: { cron: "cron(0 9 ? * MON-FRI *)", timezone: Europe/Paris }',
          '      - schedule: { cron: "*/10 * * * * *", name: seconds }',
          '      - schedule: { rate: 5 minutes, name: five }',
          '      - schedule: { rate: "cron(0 12 * * ? *)", name: noon, missed: run-latest }',
          '      - http: GET /report',
          '',
        ].join('\n'),
      ),
    );
  });

  it('refuses an invalid cron, naming the file, the event and the field', async () => {
    const error = await refusal(
      '      - http: GET /report\n      - schedule: rate(1 hour)\n      - schedule: cron(0 25 * * ? *)\n',
    );
    assert.equal(error.code, 'ERR_INVALID_MANIFEST');
    assert.equal(error.status, 400);
    assert.equal(
      error.message,
      'gust.yaml: functions.report.events.2.schedule: cron(0 25 * * ? *): hours: 25 is out of range; allowed: 0-23 with , - * /',
    );
    assert.deepEqual(error.details, {
      file: 'gust.yaml',
      issues: [
        {
          path: 'functions.report.events.2.schedule',
          message: 'cron(0 25 * * ? *): hours: 25 is out of range; allowed: 0-23 with , - * /',
        },
      ],
    });
  });

  it('reports every bad schedule at once: unknown zones, zones on rates, bad crontab lines', async () => {
    const error = await refusal(
      [
        '      - schedule: { cron: "0 9 * * *", timezone: Europe/Atlantis }',
        '      - schedule: { rate: rate(5 minutes), timezone: Europe/Paris }',
        '      - schedule: { cron: "0 12 * * ? *" }',
        '      - schedule: rate(1 minutes)',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      ((error.details?.issues ?? []) as { path: string }[]).map((i) => i.path),
      [0, 1, 2, 3].map((n) => `functions.report.events.${n}.schedule`),
    );
    assert.match(
      error.message,
      /events\.0\.schedule: 0 9 \* \* \*: timezone: unknown time zone "Europe\/Atlantis"/,
    );
    assert.match(
      error.message,
      /events\.1\.schedule: rate\(5 minutes\): timezone: a rate .* takes no timezone/,
    );
    assert.match(error.message, /events\.2\.schedule: .*as an AWS expression write cron\(0 12 \* \* \? \*\)/);
    assert.match(error.message, /events\.3\.schedule: rate\(1 minutes\): unit: .*write rate\(1 minute\)/);
  });

  it('refuses two schedules of one function with the same name', async () => {
    const error = await refusal(
      '      - schedule: { rate: 1 hour, name: hourly }\n      - schedule: { rate: 2 hours, name: hourly }\n',
    );
    assert.equal(
      error.message,
      'gust.yaml: functions.report.events.1.schedule.name: the schedule name "hourly" is already used by functions.report.events.0; give each schedule of a function its own name',
    );
  });

  it('refuses an input that is not JSON or is too large for an async invocation', async () => {
    const big = JSON.stringify('x'.repeat(300 * 1024));
    const error = await refusal(
      `      - schedule: { rate: 1 hour, input: "not json" }\n      - schedule: { rate: 2 hours, input: '${big}' }\n`,
    );
    assert.deepEqual(error.details?.issues, [
      {
        path: 'functions.report.events.0.schedule.input',
        message: 'expected JSON text, or a YAML map, for the event the function receives',
      },
      {
        path: 'functions.report.events.1.schedule.input',
        message: `the input is ${big.length} bytes; an async invocation takes at most 262144 bytes (256 KB)`,
      },
    ]);
  });
});

describe('schedule configuration', () => {
  it('reads rate(...) and cron(...) by their wrapper and anything else as a crontab line', () => {
    assert.equal(parseScheduleConfig({ expression: 'rate(5 minutes)' }).describe(), 'rate(5 minutes)');
    assert.equal(
      parseScheduleConfig({ expression: 'cron(0 12 * * ? *)', timezone: 'europe/paris' }).describe(),
      'cron(0 12 * * ? *) Europe/Paris',
    );
    assert.equal(parseScheduleConfig({ expression: '0 12 * * *' }).describe(), '0 12 * * * UTC');
  });
});
