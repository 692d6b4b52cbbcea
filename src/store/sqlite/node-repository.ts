import type { NodeRecord, NodeRepository } from '../node-repository.js';
import { type NodeRow, toNode } from '../rows/node-rows.js';
import type { SqliteDatabase } from './database.js';
import { prepareOnce } from './prepare-once.js';

function prepare(db: SqliteDatabase) {
  return {
    upsert: db.prepare<[string, string, string, number, number, string]>(
      `INSERT INTO nodes (id, url, version, started_at, heartbeat_at, load) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, version = excluded.version,
         heartbeat_at = excluded.heartbeat_at, load = excluded.load`,
    ),
    list: db.prepare<[], NodeRow>('SELECT * FROM nodes ORDER BY started_at, id'),
    remove: db.prepare<[string]>('DELETE FROM nodes WHERE id = ?'),
    prune: db.prepare<[number]>('DELETE FROM nodes WHERE heartbeat_at < ?'),
  };
}

/** Node heartbeats in SQLite (one node, but `gust status` reads the same way everywhere). */
export class SqliteNodeRepository implements NodeRepository {
  readonly #s: () => ReturnType<typeof prepare>;

  constructor(db: SqliteDatabase) {
    this.#s = prepareOnce(db, prepare);
  }

  async heartbeat(node: NodeRecord): Promise<void> {
    this.#s().upsert.run(
      node.id,
      node.url,
      node.version,
      node.startedAt,
      node.heartbeatAt,
      JSON.stringify(node.load),
    );
  }

  async list(): Promise<NodeRecord[]> {
    return this.#s().list.all().map(toNode);
  }

  async remove(id: string): Promise<void> {
    this.#s().remove.run(id);
  }

  async pruneOlderThan(before: number): Promise<number> {
    return this.#s().prune.run(before).changes;
  }
}
