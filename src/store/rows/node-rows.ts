/** Rows of `nodes` as both backends read them (migration 008); BIGINT columns arrive as numbers. */
import type { NodeLoad, NodeRecord } from '../node-repository.js';

export interface NodeRow {
  id: string;
  url: string;
  version: string;
  started_at: number;
  heartbeat_at: number;
  load: string;
}

export const toNode = (row: NodeRow): NodeRecord => ({
  id: row.id,
  url: row.url,
  version: row.version,
  startedAt: row.started_at,
  heartbeatAt: row.heartbeat_at,
  load: JSON.parse(row.load) as NodeLoad,
});
