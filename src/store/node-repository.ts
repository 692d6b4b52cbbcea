/**
 * The nodes serving one store: each writes a heartbeat every few seconds, so every node knows who
 * is alive (for `gust status`, and to split global concurrency caps between live nodes).
 */

/** What a node reports of its load with each heartbeat. */
export interface NodeLoad {
  /** Invocations running now. */
  inFlight: number;
  /** Function instances started (busy or idle). */
  instances: number;
  /** Resident memory of the Gust process, in bytes. */
  rssBytes: number;
}

export interface NodeRecord {
  /** Unique per process start. */
  id: string;
  /** Where the node answers HTTP (its own view: host and port it listens on). */
  url: string;
  version: string;
  startedAt: number;
  heartbeatAt: number;
  load: NodeLoad;
}

export interface NodeRepository {
  /** Inserts or updates the node's row. */
  heartbeat(node: NodeRecord): Promise<void>;
  /** Every node row, oldest start first (then id). */
  list(): Promise<NodeRecord[]>;
  /** Removes a node's row (at a clean stop). */
  remove(id: string): Promise<void>;
  /** Removes rows whose last heartbeat is older than `before`; returns how many. */
  pruneOlderThan(before: number): Promise<number>;
}
