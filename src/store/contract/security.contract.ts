import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiKeyRecord, NewAuditEntry } from '../security-repositories.js';
import type { MakeStore } from './fixtures.js';
import { T0, withStore } from './fixtures.js';

const key = (id: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id,
  name: `key-${id}`,
  secretHash: '$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA',
  secretEncrypted: 'v1.00000000.ciphertext',
  policies: ['read-only', 'deployer'],
  status: 'active',
  createdAt: T0,
  createdBy: 'bootstrap',
  ...overrides,
});

const audit = (i: number, overrides: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  at: T0 + i,
  principal: 'GKA',
  action: 'function:Deploy',
  resource: `gust:function:f${i}`,
  outcome: 'allowed',
  status: 200,
  sourceIp: '10.0.0.1',
  requestId: `r${i}`,
  ...overrides,
});

/** Registers the KeyRepository, PolicyRepository and AuditRepository tests. */
export function securityContract(makeStore: MakeStore): void {
  test('API keys read back field for field, in creation order, and refuse a duplicate id', async () => {
    await withStore(makeStore, async (store) => {
      assert.equal(await store.keys.count(), 0);
      await store.keys.create(key('GKB', { createdAt: T0 + 1 }));
      await store.keys.create(key('GKA'));
      await assert.rejects(store.keys.create(key('GKA')), { code: 'ERR_CONFLICT' });
      assert.deepEqual(await store.keys.get('GKA'), key('GKA'));
      assert.deepEqual(
        (await store.keys.list()).map((k) => k.id),
        ['GKA', 'GKB'],
      );
      assert.equal(await store.keys.count(), 2);
      assert.equal(await store.keys.get('nope'), undefined);
    });
  });

  test('API keys change status and policies, note their last use, and are deleted', async () => {
    await withStore(makeStore, async (store) => {
      await store.keys.create(key('GKA'));
      assert.equal(await store.keys.update('GKA', { status: 'disabled', policies: ['admin'] }), true);
      assert.equal(await store.keys.update('nope', { status: 'disabled' }), false);
      await store.keys.touch('GKA', T0 + 60_000);
      assert.deepEqual(await store.keys.get('GKA'), {
        ...key('GKA'),
        status: 'disabled',
        policies: ['admin'],
        lastUsedAt: T0 + 60_000,
      });
      assert.equal(await store.keys.delete('GKA'), true);
      assert.equal(await store.keys.delete('GKA'), false);
      assert.equal(await store.keys.count(), 0);
    });
  });

  test('policies are created, replaced keeping their creation time, listed by name and deleted', async () => {
    await withStore(makeStore, async (store) => {
      const doc = '{"Version":"2012-10-17","Statement":[]}';
      await store.policies.put({ name: 'b', description: '', document: doc, createdAt: T0, updatedAt: T0 });
      await store.policies.put({ name: 'a', description: 'x', document: doc, createdAt: T0, updatedAt: T0 });
      await store.policies.put({
        name: 'b',
        description: 'new',
        document: '{}',
        createdAt: T0 + 5,
        updatedAt: T0 + 5,
      });
      assert.deepEqual(await store.policies.get('b'), {
        name: 'b',
        description: 'new',
        document: '{}',
        createdAt: T0,
        updatedAt: T0 + 5,
      });
      assert.deepEqual(
        (await store.policies.list()).map((p) => p.name),
        ['a', 'b'],
      );
      assert.equal(await store.policies.delete('a'), true);
      assert.equal(await store.policies.delete('a'), false);
      assert.equal(await store.policies.get('a'), undefined);
    });
  });

  test('the audit log appends with increasing ids and is queried newest first, with filters', async () => {
    await withStore(makeStore, async (store) => {
      await store.audit.appendMany([
        audit(1),
        audit(2, { principal: 'GKB', outcome: 'denied', status: 403, reason: 'no' }),
      ]);
      await store.audit.appendMany([audit(3, { action: 'keys:Create', resource: 'gust:key:*' })]);
      const all = await store.audit.query({});
      assert.deepEqual(
        all.map((e) => e.requestId),
        ['r3', 'r2', 'r1'],
      );
      assert.ok((all[0]?.id ?? 0) > (all[1]?.id ?? 0));
      assert.deepEqual(all[1], {
        id: all[1]?.id,
        ...audit(2, { principal: 'GKB', outcome: 'denied', status: 403, reason: 'no' }),
      });
      assert.equal('reason' in (all[2] ?? {}), false);
      const ids = (q: Parameters<typeof store.audit.query>[0]) =>
        store.audit.query(q).then((r) => r.map((e) => e.requestId));
      assert.deepEqual(await ids({ principal: 'GKB' }), ['r2']);
      assert.deepEqual(await ids({ action: 'keys:Create' }), ['r3']);
      assert.deepEqual(await ids({ resource: 'gust:function:' }), ['r2', 'r1']);
      assert.deepEqual(await ids({ outcome: 'denied' }), ['r2']);
      assert.deepEqual(await ids({ since: T0 + 2 }), ['r3', 'r2']);
      assert.deepEqual(await ids({ beforeId: all[0]?.id ?? 0, limit: 1 }), ['r2']);
    });
  });

  test('an audit resource filter is a prefix, not a pattern', async () => {
    await withStore(makeStore, async (store) => {
      await store.audit.appendMany([
        audit(1, { resource: 'gust:queue:a_b' }),
        audit(2, { resource: 'gust:queue:axb' }),
      ]);
      assert.deepEqual(
        (await store.audit.query({ resource: 'gust:queue:a_' })).map((e) => e.requestId),
        ['r1'],
      );
    });
  });
}
