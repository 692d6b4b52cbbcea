import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { generateMasterKey } from '../auth/secrets/master-key.js';
import { FakeClock } from '../core/clock.js';
import { startTestGateway, type TestGateway } from '../gateway/test-support.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createSecretsExtension } from './secrets-extension.js';
import { createSecretsService, type SecretsService } from './secrets-service.js';

const ARN = /^arn:aws:secretsmanager:us-east-1:000000000000:secret:(.+)-[A-Za-z0-9]{6}$/;
const DAY = 86_400_000;

describe('Secrets Manager API with @aws-sdk/client-secrets-manager', () => {
  let gw: TestGateway;
  let store: Store;
  let clock: FakeClock;
  let secrets: SecretsService;
  let client: SecretsManagerClient;

  before(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.migrate();
    clock = new FakeClock(Date.UTC(2026, 0, 1));
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
    client = new SecretsManagerClient({
      endpoint: gw.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  after(async () => {
    client.destroy();
    secrets.stop();
    await gw.stop();
    await store.close();
  });

  it('creates a secret and reads its value back by name and by ARN', async () => {
    const created = await client.send(
      new CreateSecretCommand({ Name: 'shop/stripe', SecretString: 'sk_live_abc123', Description: 'Stripe' }),
    );
    assert.match(created.ARN ?? '', ARN);
    assert.equal(created.Name, 'shop/stripe');
    assert.ok(created.VersionId, 'the SDK made a ClientRequestToken, which is the version id');
    for (const SecretId of ['shop/stripe', created.ARN]) {
      const got = await client.send(new GetSecretValueCommand({ SecretId }));
      assert.equal(got.SecretString, 'sk_live_abc123');
      assert.equal(got.VersionId, created.VersionId);
      assert.deepEqual(got.VersionStages, ['AWSCURRENT']);
      assert.equal(got.CreatedDate?.getTime(), clock.now());
    }
  });

  it('moves AWSCURRENT to a new value and AWSPREVIOUS to the old one, both readable', async () => {
    await client.send(new CreateSecretCommand({ Name: 'db', SecretString: 'first-password' }));
    clock.advance(1000);
    const put = await client.send(
      new PutSecretValueCommand({ SecretId: 'db', SecretString: 'second-password' }),
    );
    assert.deepEqual(put.VersionStages, ['AWSCURRENT']);
    assert.equal(
      (await client.send(new GetSecretValueCommand({ SecretId: 'db' }))).SecretString,
      'second-password',
    );
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'db', VersionStage: 'AWSPREVIOUS' }),
    );
    assert.equal(previous.SecretString, 'first-password');
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'db' }));
    assert.deepEqual(described.VersionIdsToStages?.[put.VersionId ?? ''], ['AWSCURRENT']);
    assert.deepEqual(described.VersionIdsToStages?.[previous.VersionId ?? ''], ['AWSPREVIOUS']);
  });

  it('stores binary values and returns them as bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 10]);
    await client.send(new CreateSecretCommand({ Name: 'cert', SecretBinary: bytes }));
    const got = await client.send(new GetSecretValueCommand({ SecretId: 'cert' }));
    assert.equal(got.SecretString, undefined);
    assert.deepEqual(Buffer.from(got.SecretBinary ?? []), Buffer.from(bytes));
  });

  it('treats a repeated ClientRequestToken with the same value as a retry, and with another as an error', async () => {
    await client.send(new CreateSecretCommand({ Name: 'retry', SecretString: 'value-0001' }));
    const token = randomUUID();
    const a = await client.send(
      new PutSecretValueCommand({ SecretId: 'retry', SecretString: 'value-0002', ClientRequestToken: token }),
    );
    const b = await client.send(
      new PutSecretValueCommand({ SecretId: 'retry', SecretString: 'value-0002', ClientRequestToken: token }),
    );
    assert.equal(a.VersionId, token);
    assert.equal(b.VersionId, token);
    await assert.rejects(
      client.send(
        new PutSecretValueCommand({
          SecretId: 'retry',
          SecretString: 'other-value',
          ClientRequestToken: token,
        }),
      ),
      ResourceExistsException,
    );
  });

  it('lists names and metadata, never values', async () => {
    const out = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['shop/'] }] }));
    assert.deepEqual(
      out.SecretList?.map((s) => [s.Name, s.Description]),
      [['shop/stripe', 'Stripe']],
    );
    const all = await client.send(new ListSecretsCommand({}));
    assert.ok(!JSON.stringify(all).includes('sk_live_abc123'), 'no value in the listing');
    const paged = await client.send(new ListSecretsCommand({ MaxResults: 2 }));
    assert.equal(paged.SecretList?.length, 2);
    const rest = await client.send(new ListSecretsCommand({ MaxResults: 100, NextToken: paged.NextToken }));
    assert.equal((paged.SecretList?.length ?? 0) + (rest.SecretList?.length ?? 0), all.SecretList?.length);
  });

  it('answers with the AWS exception for unknown secrets, existing names and bad parameters', async () => {
    await assert.rejects(
      client.send(new GetSecretValueCommand({ SecretId: 'nope' })),
      ResourceNotFoundException,
    );
    await assert.rejects(
      client.send(new GetSecretValueCommand({ SecretId: 'db', VersionStage: 'AWSPENDING' })),
      (e: Error) => e instanceof ResourceNotFoundException && /staging label: AWSPENDING/.test(e.message),
    );
    await assert.rejects(
      client.send(new CreateSecretCommand({ Name: 'db', SecretString: 'x-x-x-x' })),
      ResourceExistsException,
    );
    await assert.rejects(
      client.send(new CreateSecretCommand({ Name: 'bad name!', SecretString: 'x' })),
      (e: Error) => e instanceof InvalidParameterException && /not a valid secret name/.test(e.message),
    );
    await assert.rejects(
      client.send(
        new CreateSecretCommand({ Name: 'both', SecretString: 'x', SecretBinary: new Uint8Array([1]) }),
      ),
      InvalidParameterException,
    );
    await assert.rejects(
      client.send(new DeleteSecretCommand({ SecretId: 'db', RecoveryWindowInDays: 3 })),
      (e: Error) => e instanceof InvalidParameterException && /between 7 and 30/.test(e.message),
    );
    await assert.rejects(
      client.send(
        new DeleteSecretCommand({
          SecretId: 'db',
          RecoveryWindowInDays: 7,
          ForceDeleteWithoutRecovery: true,
        }),
      ),
      InvalidParameterException,
    );
  });

  it('schedules a deletion: the secret cannot be read or recreated until restored or purged', async () => {
    await client.send(new CreateSecretCommand({ Name: 'old', SecretString: 'old-value' }));
    const deleted = await client.send(new DeleteSecretCommand({ SecretId: 'old', RecoveryWindowInDays: 7 }));
    assert.equal(deleted.DeletionDate?.getTime(), clock.now() + 7 * DAY);
    await assert.rejects(
      client.send(new GetSecretValueCommand({ SecretId: 'old' })),
      InvalidRequestException,
    );
    await assert.rejects(
      client.send(new CreateSecretCommand({ Name: 'old', SecretString: 'x-x-x-x' })),
      InvalidRequestException,
    );
    const listed = await client.send(new ListSecretsCommand({}));
    assert.ok(!listed.SecretList?.some((s) => s.Name === 'old'), 'hidden from listings');
    const planned = await client.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    assert.ok(planned.SecretList?.some((s) => s.Name === 'old' && s.DeletedDate !== undefined));

    await client.send(new RestoreSecretCommand({ SecretId: 'old' }));
    assert.equal(
      (await client.send(new GetSecretValueCommand({ SecretId: 'old' }))).SecretString,
      'old-value',
    );

    const first = await client.send(new DescribeSecretCommand({ SecretId: 'old' }));
    await client.send(new DeleteSecretCommand({ SecretId: 'old', RecoveryWindowInDays: 7 }));
    clock.advance(7 * DAY);
    await assert.rejects(
      client.send(new DescribeSecretCommand({ SecretId: 'old' })),
      ResourceNotFoundException,
    );
    const again = await client.send(new CreateSecretCommand({ Name: 'old', SecretString: 'new-value' }));
    assert.notEqual(again.ARN, first.ARN, 'a new secret of the same name gets a new ARN');
    await assert.rejects(
      client.send(new GetSecretValueCommand({ SecretId: first.ARN })),
      ResourceNotFoundException,
    );
  });

  it('deletes at once with ForceDeleteWithoutRecovery', async () => {
    await client.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'gone-value' }));
    await client.send(new DeleteSecretCommand({ SecretId: 'gone', ForceDeleteWithoutRecovery: true }));
    await client.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'back-value' }));
    assert.equal(
      (await client.send(new GetSecretValueCommand({ SecretId: 'gone' }))).SecretString,
      'back-value',
    );
  });

  it('rotates to a generated value, and refuses rotation functions it cannot run', async () => {
    await client.send(new CreateSecretCommand({ Name: 'rot', SecretString: 'before-rotation' }));
    const rotated = await client.send(new RotateSecretCommand({ SecretId: 'rot' }));
    const got = await client.send(new GetSecretValueCommand({ SecretId: 'rot' }));
    assert.equal(got.VersionId, rotated.VersionId);
    assert.equal(got.SecretString?.length, 32);
    assert.notEqual(got.SecretString, 'before-rotation');
    assert.ok((await client.send(new DescribeSecretCommand({ SecretId: 'rot' }))).LastRotatedDate);
    await assert.rejects(
      client.send(
        new RotateSecretCommand({
          SecretId: 'rot',
          RotationLambdaARN: 'arn:aws:lambda:us-east-1:000000000000:function:r',
        }),
      ),
      (e: Error) => e instanceof InvalidRequestException && /rotation functions/.test(e.message),
    );
  });

  it('updates the description without a new version, and the value with one', async () => {
    await client.send(new CreateSecretCommand({ Name: 'upd', SecretString: 'value-one' }));
    const noValue = await client.send(
      new UpdateSecretCommand({ SecretId: 'upd', Description: 'now described' }),
    );
    assert.equal(noValue.VersionId, undefined);
    const withValue = await client.send(
      new UpdateSecretCommand({ SecretId: 'upd', SecretString: 'value-two' }),
    );
    assert.ok(withValue.VersionId);
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'upd' }));
    assert.equal(described.Description, 'now described');
    assert.equal(
      (await client.send(new GetSecretValueCommand({ SecretId: 'upd' }))).SecretString,
      'value-two',
    );
  });
});
