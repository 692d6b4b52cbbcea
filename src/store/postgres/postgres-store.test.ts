import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { isGustError } from '../../core/errors.js';
import { fn, newMessages, queueRecord, T0 } from '../contract/fixtures.js';
import { LATEST_SCHEMA_VERSION } from '../migrations/index.js';
import { runStoreContract } from '../store.contract.js';
import { createPostgresStore, type PostgresStore } from './postgres-store.js';

/**
 * The store contract against a real PostgreSQL server (GUST_TEST_POSTGRES_URL, default the local
 * test database). Every store gets a schema of its own (`gust_test_<random>`), dropped at the end,
 * so test files and tests never see each other's rows. A server that cannot be reached fails the
 * suite with one clear message: CI must not pass without having run it.
 */
const url = process.env.GUST_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

const newSchema = (): string => {
  const schema = `gust_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
};

const makeStore = async (): Promise<PostgresStore> =>
  createPostgresStore({ connectionString: url, schema: newSchema(), poolSize: 12 });

async function dropSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Null when the server answers, else why not. */
async function unreachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const problem = await unreachable();
if (problem !== null) {
  test('PostgreSQL is reachable for the store contract', () => {
    assert.fail(
      `Cannot reach PostgreSQL at ${url} (${problem}). Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set GUST_TEST_POSTGRES_URL.`,
    );
  });
} else {
  runStoreContract('PostgreSQL', makeStore, dropSchemas);

  describe('PostgreSQL store', () => {
    after(dropSchemas);

    test('several nodes migrating one database at once apply each migration once', async () => {
      const schema = newSchema();
      const nodes = Array.from({ length: 4 }, () => createPostgresStore({ connectionString: url, schema }));
      try {
        await Promise.all(nodes.map((node) => node.migrate()));
        for (const node of nodes) assert.equal(await node.schemaVersion(), LATEST_SCHEMA_VERSION);
        const [first] = nodes;
        await first?.functions.putFunction(fn('orders'));
        assert.deepEqual(await nodes[3]?.functions.getFunction('orders'), fn('orders'));
      } finally {
        await Promise.all(nodes.map((node) => node.close()));
      }
    });

    test('migrate refuses a database whose schema is newer than this Gust, and changes nothing', async () => {
      const schema = newSchema();
      const store = createPostgresStore({ connectionString: url, schema });
      const newer = LATEST_SCHEMA_VERSION + 1;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await store.migrate();
        await client.query(
          `INSERT INTO ${schema}.schema_migrations (id, description, applied_at) VALUES ($1, 'future', $2)`,
          [newer, T0],
        );
        await assert.rejects(store.migrate(), (error: unknown) => {
          return (
            isGustError(error) &&
            error.code === 'ERR_SCHEMA_TOO_NEW' &&
            error.message ===
              `database schema version ${newer} is newer than this Gust (knows up to ${LATEST_SCHEMA_VERSION}); upgrade Gust`
          );
        });
        assert.equal(await store.schemaVersion(), newer);
      } finally {
        await client.end();
        await store.close();
      }
    });

    test('two nodes never lease the same message, and see each other’s leases and deletes', async () => {
      const schema = newSchema();
      const first = createPostgresStore({ connectionString: url, schema });
      const second = createPostgresStore({ connectionString: url, schema });
      try {
        await first.migrate();
        await second.migrate();
        await first.queues.putQueue(queueRecord('orders'));
        await second.queues.send('orders', newMessages(60), T0);
        const receive = (store: PostgresStore) =>
          store.queues.receive('orders', { max: 7, visibilityTimeoutSec: 30, now: T0 });
        const batches = await Promise.all(
          Array.from({ length: 10 }, (_, i) => receive(i % 2 === 0 ? first : second)),
        );
        const ids = batches.flat().map((m) => m.id);
        assert.equal(ids.length, 60);
        assert.equal(new Set(ids).size, 60);
        const leased = batches.flat()[0];
        assert.ok(leased);
        assert.equal(await second.queues.deleteMessage('orders', leased.receiptHandle), true);
        assert.equal(await first.queues.getMessage(leased.id), undefined);
        assert.equal((await first.queues.stats('orders', T0)).inFlight, 59);
      } finally {
        await first.close();
        await second.close();
      }
    });

    test('an unreachable server fails calls with ERR_STORE_UNAVAILABLE, naming the server but no password', async () => {
      // Port 1 on loopback: nothing listens there, so the connection is refused at once.
      const store = createPostgresStore({
        connectionString: 'postgres://gust:s3cret@127.0.0.1:1/gust',
        connectTimeoutMs: 2000,
      });
      try {
        await assert.rejects(store.functions.listFunctions(), (error: unknown) => {
          return (
            isGustError(error) &&
            error.code === 'ERR_STORE_UNAVAILABLE' &&
            error.status === 503 &&
            error.message.includes('127.0.0.1:1/gust') &&
            !error.message.includes('s3cret')
          );
        });
      } finally {
        await store.close();
      }
    });

    test('using a store before migrate fails with an error that says to call migrate()', async () => {
      const store = await makeStore();
      try {
        await assert.rejects(store.functions.listFunctions(), /call migrate\(\)/);
      } finally {
        await store.close();
      }
    });

    test('a schema name that is not a plain identifier is refused', () => {
      assert.throws(
        () => createPostgresStore({ connectionString: url, schema: 'gust; DROP TABLE x' }),
        (error: unknown) => isGustError(error) && error.code === 'ERR_INVALID_PARAMETER',
      );
    });

    test('code archives are stored once per hash and read back byte for byte', async () => {
      const store = await makeStore();
      try {
        await store.migrate();
        const archive = randomBytes(300_000);
        assert.equal(await store.codeBlobs.has('h1'), false);
        assert.equal(await store.codeBlobs.get('h1'), undefined);
        await store.codeBlobs.put('h1', archive, T0);
        await store.codeBlobs.put('h1', randomBytes(10), T0 + 1); // same hash: kept as first stored
        assert.equal(await store.codeBlobs.has('h1'), true);
        assert.deepEqual(await store.codeBlobs.get('h1'), archive);
      } finally {
        await store.close();
      }
    });

    test('closing a store twice is harmless', async () => {
      const store = await makeStore();
      await store.migrate();
      await store.close();
      await store.close();
    });
  });
}
