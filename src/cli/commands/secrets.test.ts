import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SecretView } from '../../secrets/secret-views.js';
import { type FakeApi, runAgainst, startFakeApi } from '../fake-api.js';
import { formatTime } from '../format.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const VALUE = 'pa55-w0rd-very-secret';

const db: SecretView = {
  name: 'shop/db',
  arn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:shop/db-AbC123',
  description: 'orders database',
  createdAt: T0,
  updatedAt: T0,
  lastRotatedAt: null,
  deletedAt: null,
  deletionDate: null,
  versions: [{ versionId: '0b1c2d3e-0000-4000-8000-000000000001', stages: ['AWSCURRENT'], createdAt: T0 }],
};
const written = {
  name: 'shop/db',
  arn: db.arn,
  versionId: '7f00aa11-0000-4000-8000-000000000002',
  stages: ['AWSCURRENT'],
};

let api: FakeApi;
before(async () => {
  api = await startFakeApi({
    'GET /_gust/v1/secrets': { body: { secrets: [db] } },
    'PUT /_gust/v1/secrets/shop%2Fdb/value': { status: 201, body: written },
    'GET /_gust/v1/secrets/shop%2Fdb/value': {
      body: { ...written, createdAt: T0, value: VALUE, binary: false },
    },
    'DELETE /_gust/v1/secrets/shop%2Fdb': {
      body: { name: 'shop/db', arn: db.arn, deletionDate: T0 + 7 * 86_400_000 },
    },
    'POST /_gust/v1/secrets/shop%2Fdb/rotate': { body: written },
    'POST /_gust/v1/secrets/shop%2Fdb/restore': { body: { name: 'shop/db', arn: db.arn } },
    'GET /_gust/v1/secrets/nope/value': {
      status: 404,
      body: {
        error: {
          code: 'ERR_SECRET_NOT_FOUND',
          message: "Secrets Manager can't find the specified secret: 'nope'.",
          requestId: 'r',
        },
      },
    },
  });
});
after(() => api.close());

const gust = (args: string[], cwd?: string) => runAgainst(api.url, args, cwd ? { cwd } : {});
const last = () => api.requests.at(-1);
const lastBody = () => JSON.parse(last()?.body.toString() ?? 'null') as Record<string, unknown>;

describe('gust secrets', () => {
  test('set sends --value and never prints it', async () => {
    const { code, stdout, stderr } = await gust([
      'secrets',
      'set',
      'shop/db',
      '--value',
      VALUE,
      '--description',
      'orders database',
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(last()?.path, '/_gust/v1/secrets/shop%2Fdb/value');
    assert.deepEqual(lastBody(), { value: VALUE, description: 'orders database' });
    assert.equal(stdout, "Stored secret 'shop/db' (version 7f00aa11).\n");
    assert.ok(!stdout.includes(VALUE) && !stderr.includes(VALUE));
  });

  test('set --from-file sends the file byte for byte, as base64 when it is not UTF-8', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gust-cli-secrets-'));
    writeFileSync(join(dir, 'pem'), 'line one\nline two\n');
    writeFileSync(join(dir, 'bin'), Buffer.from([0xff, 0x00, 0xfe]));
    assert.equal((await gust(['secrets', 'set', 'shop/db', '--from-file', 'pem'], dir)).code, 0);
    assert.deepEqual(lastBody(), { value: 'line one\nline two\n' });
    assert.equal((await gust(['secrets', 'set', 'shop/db', '--from-file', 'bin'], dir)).code, 0);
    assert.deepEqual(lastBody(), { value: '/wD+', binary: true });
  });

  test('set refuses two sources, or a file it cannot read, before calling the server', async () => {
    const before = api.requests.length;
    const both = await gust(['secrets', 'set', 'x', '--value', 'a', '--from-file', 'f']);
    assert.equal(both.code, 2);
    assert.equal(both.stderr, 'gust: --value and --from-file both give the value: use one.\n');
    const missing = await gust(['secrets', 'set', 'x', '--from-file', '/nonexistent/file']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read \/nonexistent\/file \(ENOENT\)/);
    assert.equal(api.requests.length, before);
  });

  test('get prints only the value, so it can be piped', async () => {
    const { code, stdout } = await gust(['secrets', 'get', 'shop/db', '--stage', 'AWSPREVIOUS']);
    assert.equal(code, 0);
    assert.equal(stdout, `${VALUE}\n`);
    assert.equal(last()?.query.get('stage'), 'AWSPREVIOUS');
  });

  test('ls prints names, current version, times and status, never values', async () => {
    const { stdout } = await gust(['secrets', 'ls']);
    assert.equal(
      stdout,
      [
        `NAME     CURRENT   CHANGED${' '.repeat(formatTime(T0).length - 7)}  ROTATED  STATUS  DESCRIPTION`,
        `shop/db  0b1c2d3e  ${formatTime(T0)}  -        active  orders database`,
        '',
      ].join('\n'),
    );
    assert.ok(!stdout.includes(VALUE));
  });

  test('rm schedules the deletion, with --recovery-days or --force passed on', async () => {
    const scheduled = await gust(['secrets', 'rm', 'shop/db', '--recovery-days', '7']);
    assert.equal(last()?.query.get('recoveryWindowDays'), '7');
    assert.equal(
      scheduled.stdout,
      `Secret 'shop/db' is scheduled for deletion on ${formatTime(T0 + 7 * 86_400_000)}; until then: gust secrets restore shop/db\n`,
    );
    const forced = await gust(['secrets', 'rm', 'shop/db', '--force']);
    assert.equal(last()?.query.get('force'), 'true');
    assert.equal(forced.stdout, "Deleted secret 'shop/db'.\n");
    const both = await gust(['secrets', 'rm', 'shop/db', '--force', '--recovery-days', '7']);
    assert.equal(both.code, 2);
    const range = await gust(['secrets', 'rm', 'shop/db', '--recovery-days', '3']);
    assert.equal(range.code, 2);
  });

  test('rotate asks for a generated value unless one is given, and restore cancels a deletion', async () => {
    assert.equal(
      (await gust(['secrets', 'rotate', 'shop/db'])).stdout,
      "Rotated secret 'shop/db': version 7f00aa11 is current.\n",
    );
    assert.deepEqual(lastBody(), {});
    await gust(['secrets', 'rotate', 'shop/db', '--value', 'next-value']);
    assert.deepEqual(lastBody(), { value: 'next-value' });
    assert.equal((await gust(['secrets', 'restore', 'shop/db'])).stdout, "Restored secret 'shop/db'.\n");
  });

  test('an unknown secret is one line with the code, exit 1', async () => {
    const { code, stderr } = await gust(['secrets', 'get', 'nope']);
    assert.equal(code, 1);
    assert.equal(
      stderr,
      "gust: Secrets Manager can't find the specified secret: 'nope'. (ERR_SECRET_NOT_FOUND)\n",
    );
  });

  test('--json prints the API response', async () => {
    const { stdout } = await gust(['--json', 'secrets', 'ls']);
    assert.deepEqual(JSON.parse(stdout), { secrets: [db] });
  });
});
