import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeApi, runAgainst, startFakeApi } from '../fake-api.js';
import { formatTime } from '../format.js';
import type { ApiSchedule } from './schedules.js';

const NEXT = Date.UTC(2026, 0, 1, 0, 5, 0);
const LAST = Date.UTC(2026, 0, 1, 0, 0, 0);

const schedules: ApiSchedule[] = [
  {
    id: 'report/nightly',
    functionName: 'report',
    name: 'nightly',
    expression: 'cron(0 2 * * ? *) Europe/Paris',
    timezone: 'Europe/Paris',
    enabled: true,
    missed: 'run-latest',
    nextTick: NEXT,
    lastTick: LAST,
    error: null,
  },
  {
    id: 'report/paused',
    functionName: 'report',
    name: 'paused',
    expression: 'rate(5 minutes)',
    timezone: 'UTC',
    enabled: false,
    missed: 'skip',
    nextTick: null,
    lastTick: null,
    error: null,
  },
];

let api: FakeApi;
let empty: FakeApi;
before(async () => {
  api = await startFakeApi({ 'GET /_gust/v1/schedules': { body: { schedules } } });
  empty = await startFakeApi({ 'GET /_gust/v1/schedules': { body: { schedules: [] } } });
});
after(async () => {
  await api.close();
  await empty.close();
});

describe('gust schedules ls', () => {
  test('prints a table of the schedules with their next and last tick', async () => {
    const { code, stdout, stderr } = await runAgainst(api.url, ['schedules', 'ls']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^TARGET\s+NAME\s+SCHEDULE\s+STATE\s+MISSED\s+NEXT TICK\s+LAST TICK$/);
    assert.match(
      lines[1] ?? '',
      /^report\s+nightly\s+cron\(0 2 \* \* \? \*\) Europe\/Paris\s+enabled\s+run-latest/,
    );
    assert.ok(lines[1]?.includes(formatTime(NEXT)));
    assert.ok(lines[1]?.endsWith(formatTime(LAST)));
    assert.match(lines[2] ?? '', /^report\s+paused\s+rate\(5 minutes\)\s+disabled\s+skip\s+-\s+-$/);
  });

  test('--json prints the API response', async () => {
    const { code, stdout } = await runAgainst(api.url, ['--json', 'schedules', 'ls']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), { schedules });
  });

  test('says how to add one when there is none', async () => {
    const { code, stdout } = await runAgainst(empty.url, ['schedules', 'ls']);
    assert.equal(code, 0);
    assert.match(stdout, /^No schedules deployed\./);
  });
});
