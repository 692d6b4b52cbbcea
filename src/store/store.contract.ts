import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  asyncInvocationContract,
  idempotencyContract,
  scheduleContract,
} from './contract/delivery.contract.js';
import type { MakeStore } from './contract/fixtures.js';
import { fn, withStore } from './contract/fixtures.js';
import { functionContract } from './contract/functions.contract.js';
import { invocationContract } from './contract/invocations.contract.js';
import { logContract } from './contract/logs.contract.js';
import { nodeContract } from './contract/nodes.contract.js';
import { queueLeaseContract } from './contract/queue-leases.contract.js';
import { queueContract } from './contract/queues.contract.js';
import { ruleContract } from './contract/rules.contract.js';
import { secretContract } from './contract/secrets.contract.js';
import { securityContract } from './contract/security.contract.js';
import { workflowContract } from './contract/workflows.contract.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';

export type { MakeStore } from './contract/fixtures.js';

/**
 * Registers the behaviour every `Store` backend must share as node:test tests, under
 * `describe(name)`. `makeStore` must return a new, empty store that has not been migrated: each
 * test migrates and closes its own. `cleanup` runs once after the suite (remove temp files,
 * drop databases).
 */
export function runStoreContract(
  name: string,
  makeStore: MakeStore,
  cleanup?: () => Promise<void> | void,
): void {
  describe(`${name} store contract`, () => {
    if (cleanup) after(cleanup);

    describe('schema', () => {
      test('a store that was never migrated is at schema version 0', async () => {
        const store = await makeStore();
        try {
          assert.equal(await store.schemaVersion(), 0);
        } finally {
          await store.close();
        }
      });

      test('migrate brings a new store to the latest schema version', async () => {
        await withStore(makeStore, async (store) => {
          assert.equal(await store.schemaVersion(), LATEST_SCHEMA_VERSION);
        });
      });

      test('migrating again is harmless and keeps the data', async () => {
        await withStore(makeStore, async (store) => {
          await store.functions.putFunction(fn('orders'));
          await store.migrate();
          await store.migrate();
          assert.equal(await store.schemaVersion(), LATEST_SCHEMA_VERSION);
          assert.deepEqual(await store.functions.getFunction('orders'), fn('orders'));
        });
      });
    });

    describe('functions', () => functionContract(makeStore));
    describe('invocations', () => invocationContract(makeStore));
    describe('logs', () => logContract(makeStore));
    describe('queues', () => queueContract(makeStore));
    describe('queue leases', () => queueLeaseContract(makeStore));
    describe('async invocations', () => asyncInvocationContract(makeStore));
    describe('idempotency', () => idempotencyContract(makeStore));
    describe('schedules', () => scheduleContract(makeStore));
    describe('event rules', () => ruleContract(makeStore));
    describe('keys, policies and audit', () => securityContract(makeStore));
    describe('nodes', () => nodeContract(makeStore));
    describe('secrets', () => secretContract(makeStore));
    describe('workflows', () => workflowContract(makeStore));
  });
}
