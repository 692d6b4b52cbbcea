import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuleDefinition } from '../rule-repository.js';
import type { MakeStore } from './fixtures.js';
import { withStore } from './fixtures.js';

const rule = (name: string, overrides: Partial<RuleDefinition> = {}): RuleDefinition => ({
  bus: 'default',
  name,
  pattern: { source: ['shop'], detail: { total: [{ numeric: ['>', 10] }] } },
  targets: ['queue:orders'],
  ...overrides,
});

const names = (rules: { bus: string; name: string }[]) => rules.map((r) => `${r.bus}/${r.name}`);

/** Registers the RuleRepository tests. */
export function ruleContract(makeStore: MakeStore): void {
  test('a new store has no rules', async () => {
    await withStore(makeStore, async (store) => {
      assert.deepEqual(await store.rules.list(), []);
    });
  });

  test('stored rules read back field for field, ordered by bus then name', async () => {
    await withStore(makeStore, async (store) => {
      const transformed = rule('b-rule', {
        bus: 'orders',
        targets: ['function:audit', 'queue:archive'],
        inputTransformer: { inputPathsMap: { id: '$.detail.id' }, inputTemplate: '{"id": <id>}' },
      });
      await store.rules.replaceForService('shop', [rule('z-rule'), transformed, rule('a-rule')]);
      const listed = await store.rules.list();
      assert.deepEqual(names(listed), ['default/a-rule', 'default/z-rule', 'orders/b-rule']);
      assert.deepEqual(listed[2], { ...transformed, service: 'shop' });
      // An absent input transformer stays absent rather than coming back as undefined or null.
      assert.deepEqual(Object.keys(listed[0] ?? {}).sort(), ['bus', 'name', 'pattern', 'service', 'targets']);
    });
  });

  test("replacing a service's rules removes the ones not given and keeps other services' rules", async () => {
    await withStore(makeStore, async (store) => {
      await store.rules.replaceForService('shop', [rule('one'), rule('two')]);
      await store.rules.replaceForService('billing', [rule('invoices')]);
      await store.rules.replaceForService('shop', [rule('two', { targets: ['function:x'] }), rule('three')]);
      const listed = await store.rules.list();
      assert.deepEqual(names(listed), ['default/invoices', 'default/three', 'default/two']);
      assert.deepEqual(listed.find((r) => r.name === 'two')?.targets, ['function:x']);
      await store.rules.replaceForService('shop', []);
      assert.deepEqual(names(await store.rules.list()), ['default/invoices']);
    });
  });

  test('a rule with the bus and name of another service is taken over', async () => {
    await withStore(makeStore, async (store) => {
      await store.rules.replaceForService('shop', [rule('shared')]);
      await store.rules.replaceForService('billing', [rule('shared', { targets: ['queue:bills'] })]);
      assert.deepEqual(await store.rules.list(), [
        { ...rule('shared', { targets: ['queue:bills'] }), service: 'billing' },
      ]);
      // The same name on another bus is another rule.
      await store.rules.replaceForService('shop', [rule('shared', { bus: 'audit' })]);
      assert.deepEqual(names(await store.rules.list()), ['audit/shared', 'default/shared']);
    });
  });
}
