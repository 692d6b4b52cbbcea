import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testCaller, testRequestAuth } from '../auth/access/test-support.js';
import { generateMasterKey } from '../auth/secrets/master-key.js';
import { FakeClock } from '../core/clock.js';
import { startTestGateway, type TestGateway } from '../gateway/test-support.js';
import type { AwsJsonContext } from '../gateway/types.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createSecretsExtension } from './secrets-extension.js';
import { createSecretsManagerService } from './secrets-protocol.js';
import { createSecretsService, type SecretsService } from './secrets-service.js';

describe('secrets control API', () => {
  let gw: TestGateway;
  let store: Store;
  let secrets: SecretsService;

  before(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    secrets = createSecretsService({
      store,
      masterKey: generateMasterKey(),
      clock,
      region: 'us-east-1',
      accountId: '000000000000',
    });
    await secrets.start();
    gw = await startTestGateway({}, [
      createSecretsExtension({ secrets, region: 'us-east-1', accountId: '000000000000' }),
    ]);
  });
  after(async () => {
    secrets.stop();
    await gw.stop();
    await store.close();
  });

  // biome-ignore lint/suspicious/noExplicitAny: answers are untyped JSON; tests read fields freely.
  type Json = any;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${gw.url}/_gust/v1${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: res.status, body: await res.json() };
  };

  it('creates with PUT (201), stores a new value with PUT (200), and reads names with a slash', async () => {
    const created = await call('PUT', '/secrets/shop%2Fdb/value', {
      value: 'first-value',
      description: 'db',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'shop/db');
    const next = await call('PUT', '/secrets/shop%2Fdb/value', { value: 'second-value' });
    assert.equal(next.status, 200);
    const value = await call('GET', '/secrets/shop%2Fdb/value');
    assert.deepEqual(
      [value.body.value, value.body.binary, value.body.stages],
      ['second-value', false, ['AWSCURRENT']],
    );
    const previous = await call('GET', '/secrets/shop%2Fdb/value?stage=AWSPREVIOUS');
    assert.equal(previous.body.value, 'first-value');
  });

  it('lists and describes without values', async () => {
    const list = await call('GET', '/secrets');
    assert.deepEqual(
      list.body.secrets.map((s: { name: string }) => s.name),
      ['shop/db'],
    );
    assert.ok(!JSON.stringify(list.body).includes('second-value'));
    const one = await call('GET', '/secrets/shop%2Fdb');
    assert.equal(one.body.description, 'db');
    assert.equal(one.body.versions.length, 2);
  });

  it('names what was wrong with a bad request', async () => {
    const bad = await call('PUT', '/secrets/shop%2Fdb/value', { value: 7 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'ERR_INVALID_PARAMETER');
    assert.equal(bad.body.error.parameter, 'value');
    const name = await call('PUT', '/secrets/bad%20name/value', { value: 'x' });
    assert.equal(name.status, 400);
    assert.match(name.body.error.message, /not a valid secret name/);
    const days = await call('DELETE', '/secrets/shop%2Fdb?recoveryWindowDays=3');
    assert.equal(days.body.error.parameter, 'recoveryWindowDays');
    const missing = await call('GET', '/secrets/nope/value');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'ERR_SECRET_NOT_FOUND');
  });

  it('deletes, restores and rotates', async () => {
    const deleted = await call('DELETE', '/secrets/shop%2Fdb?recoveryWindowDays=7');
    assert.equal(deleted.status, 200);
    assert.equal((await call('GET', '/secrets/shop%2Fdb/value')).body.error.code, 'ERR_BAD_REQUEST');
    assert.deepEqual((await call('GET', '/secrets')).body.secrets, []);
    assert.equal((await call('GET', '/secrets?includeDeleted=true')).body.secrets.length, 1);
    assert.equal((await call('POST', '/secrets/shop%2Fdb/restore')).status, 200);
    const rotated = await call('POST', '/secrets/shop%2Fdb/rotate', {});
    const value = await call('GET', '/secrets/shop%2Fdb/value');
    assert.equal(value.body.versionId, rotated.body.versionId);
    assert.equal(value.body.value.length, 32);
  });
});

describe('Secrets Manager authorization', () => {
  const service = createSecretsManagerService({
    secrets: {} as SecretsService,
    region: 'us-east-1',
    accountId: '000000000000',
  });
  const ctxFor = (policies: Parameters<typeof testCaller>[0]) => {
    const auth = testRequestAuth(testCaller(policies));
    return { ctx: { auth } as unknown as AwsJsonContext, auth };
  };

  it('checks the action of each operation on the secret it names, by name or ARN', () => {
    const checked: [string, string][] = [];
    const ctx = {
      auth: {
        require: (a: string, r: string) => checked.push([a, r]),
        allows: () => true,
        checks: 0,
        caller: testCaller(),
      },
    } as unknown as AwsJsonContext;
    const arn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:shop/db-AbC123';
    service.authorize('GetSecretValue', { SecretId: arn }, ctx);
    service.authorize('CreateSecret', { Name: 'new' }, ctx);
    service.authorize('PutSecretValue', { SecretId: 'shop/db' }, ctx);
    service.authorize('DescribeSecret', { SecretId: 'shop/db' }, ctx);
    service.authorize('ListSecrets', {}, ctx);
    service.authorize('DeleteSecret', { SecretId: 'shop/db' }, ctx);
    service.authorize('RotateSecret', { SecretId: 'shop/db' }, ctx);
    assert.deepEqual(checked, [
      ['secrets:Get', 'gust:secret:shop/db'],
      ['secrets:Put', 'gust:secret:new'],
      ['secrets:Put', 'gust:secret:shop/db'],
      ['secrets:List', 'gust:secret:shop/db'],
      ['secrets:List', 'gust:secret:*'],
      ['secrets:Delete', 'gust:secret:shop/db'],
      ['secrets:Rotate', 'gust:secret:shop/db'],
    ]);
  });

  it('lets read-only callers list but not read values, and refuses unknown operations', () => {
    const { ctx } = ctxFor(['read-only']);
    service.authorize('ListSecrets', {}, ctx);
    assert.throws(
      () => service.authorize('GetSecretValue', { SecretId: 'db' }, ctx),
      (e: { code?: string; awsType?: string }) =>
        e.code === 'ERR_ACCESS_DENIED' && e.awsType === 'AccessDeniedException',
    );
    assert.throws(
      () => service.authorize('Fly', {}, ctx),
      (e: { awsType?: string }) => e.awsType === 'UnknownOperationException',
    );
    assert.throws(
      () => service.authorize('GetSecretValue', {}, ctx),
      (e: { awsType?: string; message: string }) =>
        e.awsType === 'InvalidParameterException' && /SecretId/.test(e.message),
    );
  });
});
