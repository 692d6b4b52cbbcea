import type { NodeRecord, NodeRepository } from '../node-repository.js';
import { type NodeRow, toNode } from '../rows/node-rows.js';
import type { PgDatabase } from './executor.js';

/** Node heartbeats in PostgreSQL: one row per running node, upserted every few seconds. */
export class PgNodeRepository implements NodeRepository {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async heartbeat(node: NodeRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO nodes (id, url, version, started_at, heartbeat_at, load) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, version = excluded.version,
         heartbeat_at = excluded.heartbeat_at, load = excluded.load`,
      [node.id, node.url, node.version, node.startedAt, node.heartbeatAt, JSON.stringify(node.load)],
    );
  }

  async list(): Promise<NodeRecord[]> {
    return (await this.#db.rows<NodeRow>('SELECT * FROM nodes ORDER BY started_at, id')).map(toNode);
  }

  async remove(id: string): Promise<void> {
    await this.#db.run('DELETE FROM nodes WHERE id = $1', [id]);
  }

  async pruneOlderThan(before: number): Promise<number> {
    return this.#db.run('DELETE FROM nodes WHERE heartbeat_at < $1', [before]);
  }
}
