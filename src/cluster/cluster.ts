import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { NodeLoad, NodeRecord, NodeRepository } from '../store/node-repository.js';

/**
 * This node among the nodes that share a store. Every HEARTBEAT_MS it writes its heartbeat (with
 * its load) and reads everyone's; a node whose last heartbeat is older than NODE_TIMEOUT_MS is
 * taken for dead. The live set decides this node's share of global caps (a function's
 * reservedConcurrency is a cap over all nodes) and is what `gust status` lists.
 *
 * Tolerance, stated once: a cap is split between the nodes this node sees alive. When a node dies,
 * its share is handed out again only after NODE_TIMEOUT_MS; when one joins, the others shrink their
 * shares at their next heartbeat (within HEARTBEAT_MS), so for up to that long the sum of shares may
 * exceed the cap by the newcomer's share. A node whose share is used up throttles (429) even when
 * another node has room.
 */
export const HEARTBEAT_MS = 2000;
export const NODE_TIMEOUT_MS = 10_000;

export interface ClusterDeps {
  nodes: NodeRepository;
  clock: Clock;
  version: string;
  /** This node's load, sampled at each heartbeat. */
  load(): NodeLoad;
  log(line: string): void;
}

export interface Cluster {
  readonly nodeId: string;
  /** Writes the first heartbeat (so the node is counted at once) and keeps beating. */
  start(url: string): Promise<void>;
  /** Stops beating and removes this node's row, so others stop counting it at once. */
  stop(): Promise<void>;
  /** The live nodes as of the last heartbeat, this one included, oldest first. */
  liveNodes(): readonly NodeRecord[];
  /** Reads every node row now (for `gust status`), with whether each is alive. */
  listNodes(): Promise<(NodeRecord & { alive: boolean })[]>;
  /**
   * This node's share of a cap of `total` over all live nodes: `total` split evenly, the remainder
   * going to the oldest nodes, so the shares of the live nodes add up to `total` exactly.
   */
  share(total: number): number;
  /** Called when the set of live nodes changes. */
  onMembershipChange(listener: () => void): () => void;
}

export function createCluster(deps: ClusterDeps): Cluster {
  const nodeId = randomUUID();
  const startedAt = deps.clock.now();
  let url = '';
  let live: NodeRecord[] = [];
  let timer: TimerHandle | undefined;
  let running = false;
  const listeners = new Set<() => void>();
  let failing = false;

  const isAlive = (node: NodeRecord, now: number) => now - node.heartbeatAt <= NODE_TIMEOUT_MS;

  const beat = async (): Promise<void> => {
    const now = deps.clock.now();
    try {
      await deps.nodes.heartbeat({
        id: nodeId,
        url,
        version: deps.version,
        startedAt,
        heartbeatAt: now,
        load: deps.load(),
      });
      const next = (await deps.nodes.list()).filter((n) => isAlive(n, now));
      if (failing) deps.log('gust: heartbeats reach the store again.');
      failing = false;
      const before = live.map((n) => n.id).join(',');
      live = next;
      if (live.map((n) => n.id).join(',') !== before) for (const listener of listeners) listener();
      // Rows of nodes long dead (killed, never stopped cleanly) are cleaned up by whoever sees them.
      await deps.nodes.pruneOlderThan(now - 60 * NODE_TIMEOUT_MS);
    } catch (error) {
      // The store is unreachable: keep the last view of the cluster; say so once.
      if (!failing) deps.log(`gust: cannot write this node's heartbeat: ${(error as Error).message}`);
      failing = true;
    }
  };

  const schedule = (): void => {
    if (!running) return;
    timer = deps.clock.setTimeout(() => {
      void beat().finally(schedule);
    }, HEARTBEAT_MS);
  };

  return {
    nodeId,
    async start(address) {
      url = address;
      running = true;
      await beat();
      schedule();
    },
    async stop() {
      running = false;
      timer?.cancel();
      await deps.nodes.remove(nodeId).catch(() => {});
    },
    liveNodes: () => live,
    async listNodes() {
      const now = deps.clock.now();
      return (await deps.nodes.list()).map((n) => ({ ...n, alive: isAlive(n, now) }));
    },
    share(total) {
      const n = live.length;
      const index = live.findIndex((node) => node.id === nodeId);
      if (n <= 1 || index === -1) return total;
      return Math.floor(total / n) + (index < total % n ? 1 : 0);
    },
    onMembershipChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
