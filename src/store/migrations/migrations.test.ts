import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGustError } from '../../core/errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, pendingMigrations } from './index.js';
import type { Migration } from './migration.js';

const m = (id: number): Migration => ({ id, description: `step ${id}`, sql: { sqlite: '', postgres: '' } });

test('migration ids run 1, 2, 3, ... in list order with no gaps or repeats', () => {
  assert.deepEqual(
    MIGRATIONS.map((migration) => migration.id),
    MIGRATIONS.map((_, i) => i + 1),
  );
  assert.equal(LATEST_SCHEMA_VERSION, MIGRATIONS.length);
});

test('every migration has a description and SQL for every dialect', () => {
  for (const migration of MIGRATIONS) {
    assert.ok(migration.description.trim(), `migration ${migration.id} needs a description`);
    for (const [dialect, sql] of Object.entries(migration.sql)) {
      assert.ok(sql.trim(), `migration ${migration.id} has no ${dialect} SQL`);
    }
  }
});

test('pending migrations are those above the current version, in id order', () => {
  const list = [m(3), m(1), m(2)];
  assert.deepEqual(
    pendingMigrations(0, list).map((x) => x.id),
    [1, 2, 3],
  );
  assert.deepEqual(
    pendingMigrations(1, list).map((x) => x.id),
    [2, 3],
  );
  assert.deepEqual(pendingMigrations(3, list), []);
});

test('a database newer than the known migrations is refused with a message that says to upgrade', () => {
  assert.throws(
    () => pendingMigrations(5, [m(1), m(2)]),
    (error: unknown) =>
      isGustError(error) &&
      error.message === 'database schema version 5 is newer than this Gust (knows up to 2); upgrade Gust' &&
      error.details?.schemaVersion === 5 &&
      error.details?.knownSchemaVersion === 2,
  );
});
