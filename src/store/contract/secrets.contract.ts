import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGustError } from '../../core/errors.js';
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  MAX_UNLABELED_VERSIONS,
  type SecretRecord,
  type SecretVersionRecord,
} from '../secret-repository.js';
import type { MakeStore } from './fixtures.js';
import { T0, withStore } from './fixtures.js';

const secret = (name: string, overrides: Partial<SecretRecord> = {}): SecretRecord => ({
  name,
  arnSuffix: 'AbC123',
  description: '',
  createdAt: T0,
  updatedAt: T0,
  ...overrides,
});

/** A version; the "ciphertext" is opaque to the store, so any text stands in for it. */
const version = (versionId: string, at: number, stages: string[] = [AWSCURRENT]): SecretVersionRecord => ({
  versionId,
  kind: 'string',
  valueEncrypted: `v1.enc-${versionId}`,
  createdAt: at,
  stages,
});

/** versionId → its labels, for the versions that have any. */
async function labels(
  store: Awaited<ReturnType<MakeStore>>,
  name: string,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const v of await store.secrets.listVersions(name))
    if (v.stages.length > 0) out[v.versionId] = v.stages;
  return out;
}

const isCode = (code: string) => (error: unknown) => isGustError(error) && error.code === code;

/** Registers the SecretRepository tests. */
export function secretContract(makeStore: MakeStore): void {
  test('a secret and its first version read back field for field', async () => {
    await withStore(makeStore, async (store) => {
      assert.deepEqual(await store.secrets.list(), []);
      await store.secrets.create(secret('db/password', { description: 'the db' }), version('v-1', T0));
      assert.deepEqual(
        await store.secrets.get('db/password'),
        secret('db/password', { description: 'the db' }),
      );
      assert.deepEqual(
        await store.secrets.getVersion('db/password', { stage: AWSCURRENT }),
        version('v-1', T0),
      );
      assert.deepEqual(
        await store.secrets.getVersion('db/password', { versionId: 'v-1' }),
        version('v-1', T0),
      );
      assert.equal(await store.secrets.getVersion('db/password', { stage: AWSPREVIOUS }), undefined);
      assert.equal(await store.secrets.getVersion('other', { stage: AWSCURRENT }), undefined);
      assert.equal(await store.secrets.get('other'), undefined);
    });
  });

  test('a secret can be created without a value, and names are listed in order', async () => {
    await withStore(makeStore, async (store) => {
      await store.secrets.create(secret('b'));
      await store.secrets.create(secret('a'), version('v-a', T0));
      assert.deepEqual(
        (await store.secrets.list()).map((s) => s.name),
        ['a', 'b'],
      );
      assert.deepEqual(await store.secrets.listVersions('b'), []);
    });
  });

  test('creating a secret whose name exists fails with ERR_CONFLICT and changes nothing', async () => {
    await withStore(makeStore, async (store) => {
      await store.secrets.create(secret('api'), version('v-1', T0));
      await assert.rejects(
        store.secrets.create(secret('api', { arnSuffix: 'zzzzzz' })),
        isCode('ERR_CONFLICT'),
      );
      assert.equal((await store.secrets.get('api'))?.arnSuffix, 'AbC123');
      await store.secrets.scheduleDeletion('api', T0 + 1, T0 + 7 * 86_400_000);
      await assert.rejects(
        store.secrets.create(secret('api')),
        isCode('ERR_CONFLICT'),
        'scheduled for deletion',
      );
    });
  });

  test('a new current version moves AWSCURRENT to it and AWSPREVIOUS to the one before, in one step', async () => {
    await withStore(makeStore, async (store) => {
      await store.secrets.create(secret('k'), version('v-1', T0));
      await store.secrets.putVersion('k', version('v-2', T0 + 10));
      assert.deepEqual(await labels(store, 'k'), { 'v-2': [AWSCURRENT], 'v-1': [AWSPREVIOUS] });
      await store.secrets.putVersion('k', version('v-3', T0 + 20));
      assert.deepEqual(await labels(store, 'k'), { 'v-3': [AWSCURRENT], 'v-2': [AWSPREVIOUS] });
      assert.deepEqual((await store.secrets.getVersion('k', { versionId: 'v-1' }))?.stages, [], 'deprecated');
      assert.equal((await store.secrets.get('k'))?.updatedAt, T0 + 20);
      assert.deepEqual(
        (await store.secrets.listVersions('k')).map((v) => v.versionId),
        ['v-3', 'v-2', 'v-1'],
        'newest first',
      );
    });
  });

  test('a pending version leaves AWSCURRENT where it is until the label is moved', async () => {
    await withStore(makeStore, async (store) => {
      await store.secrets.create(secret('k'), version('v-1', T0));
      await store.secrets.putVersion('k', version('v-2', T0 + 10, [AWSPENDING]));
      assert.deepEqual(await labels(store, 'k'), { 'v-1': [AWSCURRENT], 'v-2': [AWSPENDING] });
      assert.equal(await store.secrets.moveStage('k', AWSCURRENT, 'v-2', T0 + 20), true);
      assert.equal(await store.secrets.moveStage('k', AWSPENDING, null, T0 + 20), true);
      assert.deepEqual(await labels(store, 'k'), { 'v-2': [AWSCURRENT], 'v-1': [AWSPREVIOUS] });
      assert.equal(await store.secrets.moveStage('k', AWSCURRENT, 'nope', T0), false, 'unknown version');
      assert.equal(await store.secrets.moveStage('none', AWSCURRENT, 'v-1', T0), false, 'unknown secret');
      assert.deepEqual(await labels(store, 'k'), { 'v-2': [AWSCURRENT], 'v-1': [AWSPREVIOUS] });
    });
  });

  test('a version id is used once per secret, and a version needs its secret', async () => {
    await withStore(makeStore, async (store) => {
      await store.secrets.create(secret('k'), version('v-1', T0));
      await assert.rejects(store.secrets.putVersion('k', version('v-1', T0 + 1)), isCode('ERR_CONFLICT'));
      await assert.rejects(
        store.secrets.putVersion('nope', version('v-9', T0)),
        isCode('ERR_SECRET_NOT_FOUND'),
      );
      assert.deepEqual(await labels(store, 'k'), { 'v-1': [AWSCURRENT] });
      await store.secrets.create(secret('j'), version('v-1', T0));
      assert.ok(await store.secrets.getVersion('j', { versionId: 'v-1' }), 'the same id in another secret');
    });
  });

  test(`only the newest ${MAX_UNLABELED_VERSIONS} unlabeled versions are kept`, async () => {
    await withStore(makeStore, async (store) => {
      await store.secrets.create(secret('k'), version('v-0', T0));
      for (let i = 1; i <= MAX_UNLABELED_VERSIONS + 3; i++)
        await store.secrets.putVersion('k', version(`v-${i}`, T0 + i));
      const versions = await store.secrets.listVersions('k');
      assert.equal(versions.length, MAX_UNLABELED_VERSIONS + 2, 'current, previous and 100 unlabeled');
      assert.equal(versions.at(-1)?.versionId, 'v-2', 'v-0 and v-1 went');
    });
  });

  test('description and times change only as given', async () => {
    await withStore(makeStore, async (store) => {
      await store.secrets.create(secret('k'));
      assert.equal(await store.secrets.update('k', { description: 'new' }), true);
      assert.equal(await store.secrets.update('k', { lastRotatedAt: T0 + 5, updatedAt: T0 + 5 }), true);
      assert.deepEqual(
        await store.secrets.get('k'),
        secret('k', { description: 'new', lastRotatedAt: T0 + 5, updatedAt: T0 + 5 }),
      );
      assert.equal(await store.secrets.update('nope', { description: 'x' }), false);
    });
  });

  test('a scheduled deletion can be cancelled, and is purged with its versions once due', async () => {
    await withStore(makeStore, async (store) => {
      await store.secrets.create(secret('a'), version('v-a', T0));
      await store.secrets.create(secret('b'), version('v-b', T0));
      assert.equal(await store.secrets.scheduleDeletion('a', T0 + 1, T0 + 100), true);
      assert.equal(await store.secrets.scheduleDeletion('b', T0 + 1, T0 + 200), true);
      assert.equal(await store.secrets.scheduleDeletion('nope', T0, T0), false);
      assert.deepEqual(
        await store.secrets.get('a'),
        secret('a', { deletedAt: T0 + 1, deletionDate: T0 + 100 }),
      );
      assert.equal(await store.secrets.cancelDeletion('b'), true);
      assert.deepEqual(await store.secrets.get('b'), secret('b'));
      assert.deepEqual(await store.secrets.purgeDue(T0 + 99), []);
      assert.deepEqual(await store.secrets.purgeDue(T0 + 100), ['a']);
      assert.equal(await store.secrets.get('a'), undefined);
      assert.deepEqual(await store.secrets.listVersions('a'), []);
      // The name is free again, and nothing of the old secret comes back with it.
      await store.secrets.create(secret('a', { arnSuffix: 'NeW456' }));
      assert.equal(await store.secrets.getVersion('a', { stage: AWSCURRENT }), undefined);
    });
  });

  test('deleting a secret at once removes its versions', async () => {
    await withStore(makeStore, async (store) => {
      await store.secrets.create(secret('k'), version('v-1', T0));
      await store.secrets.putVersion('k', version('v-2', T0 + 1));
      assert.equal(await store.secrets.delete('k'), true);
      assert.equal(await store.secrets.delete('k'), false);
      assert.deepEqual(await store.secrets.listVersions('k'), []);
      assert.equal(await store.secrets.getVersion('k', { versionId: 'v-1' }), undefined);
    });
  });
}
