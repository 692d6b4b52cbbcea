import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type RunningServer, startServer, waitFor, writeApp } from './harness.js';

const FILES = {
  'gust.yaml': `
service: ticker
functions:
  tick:
    handler: tick.handler
    events:
      - schedule: { cron: "* * * * * *", name: every-second }
      - schedule: { rate: 1 minute, name: every-minute, missed: run-latest }
`,
  'tick.js': `exports.handler = async (event) => {
  console.log('TICK ' + event.time + ' ' + event.resources[0] + ' ' + event['detail-type'] + ' ' + event.source);
  return event.time;
};`,
};

interface InvocationRecord {
  requestId: string;
  trigger: string;
  status: string;
}
interface LogLine {
  requestId: string | null;
  message: string;
}

/** One data folder for both runs, so the second run is a restart of the first. */
const dataDir = mkdtempSync(join(tmpdir(), 'gust-e2e-schedules-'));
let server: RunningServer | undefined;

after(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const start = () => startServer(FILES, { extraArgs: ['--data-dir', dataDir] });

/**
 * The scheduled invocations so far and the tick each one received (`rule time`), once every
 * recorded invocation has logged its line (records and logs are written in batches, so one may show
 * up before the other).
 */
async function ticks(
  s: RunningServer,
): Promise<{ records: InvocationRecord[]; times: string[] } | undefined> {
  const { invocations } = await s.api<{ invocations: InvocationRecord[] }>(
    '/_gust/v1/functions/tick/invocations?limit=1000',
  );
  const { logs } = await s.api<{ logs: LogLine[] }>('/_gust/v1/functions/tick/logs?limit=10000');
  const timeOf = new Map<string, string[]>();
  for (const line of logs) {
    const match =
      /TICK (\S+) arn:aws:events:us-east-1:000000000000:rule\/(\S+) Scheduled Event aws\.events/.exec(
        line.message,
      );
    if (match && line.requestId) {
      timeOf.set(line.requestId, [...(timeOf.get(line.requestId) ?? []), `${match[2]} ${match[1]}`]);
    }
  }
  if (!invocations.every((r) => timeOf.has(r.requestId))) return undefined;
  return { records: invocations, times: invocations.flatMap((r) => timeOf.get(r.requestId) ?? []) };
}

describe('schedules', () => {
  // The every-minute schedule makes the restart a real test: at each start its latest tick is less
  // than a minute old, so only the tick recorded in the store keeps the second run from firing the
  // tick the first run fired (unless a minute boundary passed in between: then both are new).
  it('invoke a function every second with trigger schedule, and fire no tick twice across a restart', async () => {
    server = await start();
    const first = await waitFor('three scheduled invocations', async () => {
      const seen = await ticks(server as RunningServer);
      return seen && seen.records.length >= 3 ? seen : undefined;
    });
    assert.ok(first.records.every((r) => r.trigger === 'schedule' && r.status === 'success'));
    for (const tick of first.times)
      assert.match(tick, /^every-(second|minute) \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(first.times.filter((t) => t.startsWith('every-minute ')).length >= 1, true);

    const ls = await server.cli(['schedules', 'ls']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^TARGET\s+NAME\s+SCHEDULE\s+STATE\s+MISSED\s+NEXT TICK\s+LAST TICK$/m);
    assert.match(ls.stdout, /^tick\s+every-minute\s+rate\(1 minute\)\s+enabled\s+run-latest\s+\d{4}-/m);
    assert.match(ls.stdout, /^tick\s+every-second\s+\* \* \* \* \* \* UTC\s+enabled\s+skip\s+\d{4}-/m);

    await server.stop();
    server = await start();
    const afterRestart = await waitFor('three more scheduled invocations after the restart', async () => {
      const seen = await ticks(server as RunningServer);
      return seen && seen.records.length >= first.records.length + 3 ? seen : undefined;
    });
    assert.ok(afterRestart.records.every((r) => r.trigger === 'schedule'));
    assert.equal(
      new Set(afterRestart.times).size,
      afterRestart.records.length,
      `every invocation got its own tick: ${afterRestart.times.sort().join(', ')}`,
    );
    assert.equal(afterRestart.times.length, afterRestart.records.length);
  });

  it('refuse a deploy with an invalid cron, naming the field', async () => {
    assert.ok(server, 'the server of the first test is running');
    const app = writeApp({
      'gust.yaml': `
service: broken
functions:
  nightly:
    handler: nightly.handler
    events:
      - http: GET /nightly
      - schedule: cron(0 25 * * ? *)
`,
      'nightly.js': 'exports.handler = async () => "ok";',
    });
    try {
      const deploy = await server.cli(['deploy', app]);
      assert.equal(deploy.code, 1);
      assert.match(
        deploy.stderr,
        /gust\.yaml: functions\.nightly\.events\.1\.schedule: cron\(0 25 \* \* \? \*\): hours: 25 is out of range; allowed: 0-23/,
      );
      assert.match(deploy.stderr, /ERR_INVALID_MANIFEST/);
      const { functions } = await server.api<{ functions: { name: string }[] }>('/_gust/v1/functions');
      assert.deepEqual(
        functions.map((f) => f.name),
        ['tick'],
      );
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
