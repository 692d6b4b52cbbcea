import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { fn, newMessages, queueRecord, T0, version } from '../contract/fixtures.js';
import { LATEST_SCHEMA_VERSION } from '../migrations/index.js';
import type { Migration } from '../migrations/migration.js';
import { runStoreContract } from '../store.contract.js';
import { openSqliteDatabase } from './database.js';
import { migrateSqlite, readSchemaVersion } from './sqlite-migrate.js';
import { createSqliteStore } from './sqlite-store.js';

const root = mkdtempSync(join(tmpdir(), 'gust-sqlite-store-'));
let counter = 0;
/** A path for a new database file under this run's temp folder. */
const newDbPath = () => join(root, `db-${++counter}`, 'gust.db');

runStoreContract('SQLite file', async () => createSqliteStore({ path: newDbPath() }));
runStoreContract('SQLite :memory:', async () => createSqliteStore({ path: ':memory:' }));

describe('SQLite store', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a file database runs in WAL mode with NORMAL sync, a busy timeout and foreign keys on', async () => {
    const db = openSqliteDatabase(newDbPath(), { busyTimeoutMs: 1234 });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 1); // NORMAL
      assert.equal(db.pragma('busy_timeout', { simple: true }), 1234);
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    } finally {
      db.close();
    }
  });

  test('a store leaves its database file in WAL mode', async () => {
    const path = newDbPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    const other = new Database(path, { readonly: true });
    try {
      assert.equal(other.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      other.close();
      await store.close();
    }
  });

  test('the folder of the database file is created when missing', async () => {
    const path = join(root, 'deep', 'er', 'state.db');
    const store = createSqliteStore({ path });
    await store.close();
    assert.ok(existsSync(path));
  });

  test('data persists across close and reopen', async () => {
    const path = newDbPath();
    const first = createSqliteStore({ path });
    await first.migrate();
    await first.functions.putVersion(version('orders', 'v1'));
    await first.functions.putFunction(fn('orders', 'v1'));
    await first.functions.publishVersion('orders', 'v1', T0);
    await first.logs.appendMany([
      { functionName: 'orders', requestId: null, time: T0, stream: 'stdout', level: null, message: 'kept' },
    ]);
    await first.close();

    const second = createSqliteStore({ path });
    try {
      assert.equal(await second.schemaVersion(), LATEST_SCHEMA_VERSION);
      await second.migrate();
      assert.deepEqual(await second.functions.getFunction('orders'), fn('orders', 'v1'));
      assert.deepEqual(await second.functions.getVersion('orders', 'v1'), version('orders', 'v1'));
      assert.equal((await second.functions.getPublishedVersion('orders', 1))?.versionId, 'v1');
      assert.deepEqual(
        (await second.logs.query({})).map((e) => e.message),
        ['kept'],
      );
    } finally {
      await second.close();
    }
  });

  test('migrate refuses a database whose schema is newer than this Gust, and changes nothing', async () => {
    const path = newDbPath();
    const store = createSqliteStore({ path });
    await store.migrate();
    const newer = LATEST_SCHEMA_VERSION + 1;
    const other = new Database(path);
    other
      .prepare('INSERT INTO schema_migrations (id, description, applied_at) VALUES (?, ?, ?)')
      .run(newer, 'future', T0);
    other.close();
    try {
      await assert.rejects(store.migrate(), {
        message: `database schema version ${newer} is newer than this Gust (knows up to ${LATEST_SCHEMA_VERSION}); upgrade Gust`,
      });
      assert.equal(await store.schemaVersion(), newer);
    } finally {
      await store.close();
    }
  });

  test('migrations apply in id order, each recorded with its description', () => {
    const db = openSqliteDatabase(':memory:', { busyTimeoutMs: 0 });
    const first: Migration = {
      id: 1,
      description: 'create a',
      sql: { sqlite: 'CREATE TABLE a (x INTEGER)', postgres: '' },
    };
    const second: Migration = {
      id: 2,
      description: 'index a',
      sql: { sqlite: 'CREATE INDEX a_x ON a (x)', postgres: '' },
    };
    try {
      migrateSqlite(db, [first], T0);
      assert.equal(readSchemaVersion(db), 1);
      migrateSqlite(db, [second, first], T0 + 1); // listed out of order: still applies by id
      assert.equal(readSchemaVersion(db), 2);
      assert.deepEqual(
        db.prepare('SELECT id, description, applied_at FROM schema_migrations ORDER BY id').all(),
        [
          { id: 1, description: 'create a', applied_at: T0 },
          { id: 2, description: 'index a', applied_at: T0 + 1 },
        ],
      );
    } finally {
      db.close();
    }
  });

  test('a failing migration rolls back every step of that migrate call', () => {
    const db = openSqliteDatabase(':memory:', { busyTimeoutMs: 0 });
    const good: Migration = {
      id: 1,
      description: 'create a',
      sql: { sqlite: 'CREATE TABLE a (x INTEGER)', postgres: '' },
    };
    const bad: Migration = {
      id: 2,
      description: 'broken',
      sql: { sqlite: 'CREATE TABLE b (x INTEGER', postgres: '' },
    };
    try {
      assert.throws(() => migrateSqlite(db, [good, bad], T0), /syntax error|incomplete input/);
      assert.equal(readSchemaVersion(db), 0);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      assert.deepEqual(tables, []);
    } finally {
      db.close();
    }
  });

  test('using a store before migrate fails with an error that says to call migrate()', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    try {
      await assert.rejects(store.functions.listFunctions(), /call migrate\(\)/);
      await assert.rejects(store.logs.query({}), /call migrate\(\)/);
    } finally {
      await store.close();
    }
  });

  test('two stores on one file never lease the same message, and see each other’s leases and deletes', async () => {
    const path = newDbPath();
    const first = createSqliteStore({ path });
    const second = createSqliteStore({ path });
    try {
      await first.migrate();
      await second.migrate();
      await first.queues.putQueue(queueRecord('orders'));
      await second.queues.send('orders', newMessages(30), T0);
      const seen: string[] = [];
      const handles = new Map<string, string>();
      for (let round = 0; round < 5; round++) {
        for (const store of [first, second]) {
          for (const m of await store.queues.receive('orders', {
            max: 3,
            visibilityTimeoutSec: 30,
            now: T0,
          })) {
            seen.push(m.id);
            handles.set(m.id, m.receiptHandle);
          }
        }
      }
      assert.equal(seen.length, 30);
      assert.equal(new Set(seen).size, 30);
      const [id, handle] = [...handles][0] ?? ['', ''];
      assert.equal(await second.queues.deleteMessage('orders', handle), true);
      assert.equal(await first.queues.getMessage(id), undefined);
      assert.equal((await first.queues.stats('orders', T0)).inFlight, 29);
    } finally {
      await first.close();
      await second.close();
    }
  });

  test('closing a store twice is harmless', async () => {
    const store = createSqliteStore({ path: newDbPath() });
    await store.migrate();
    await store.close();
    await store.close();
  });
});
