import type { FunctionDetail, FunctionSummary } from '../functions/control-plane.js';
import type { PoolStats } from '../runtime/types.js';

export interface InstanceCounts {
  busy: number;
  idle: number;
}

/** A FunctionSummary as the control API returns it: with its live instance counts. */
export type FunctionSummaryView = FunctionSummary & { instances: InstanceCounts };
export type FunctionDetailView = FunctionDetail & { instances: InstanceCounts };

/** Busy and idle instance counts per function, from one pool snapshot. */
export function countInstances(stats: PoolStats): Map<string, InstanceCounts> {
  const counts = new Map<string, InstanceCounts>();
  for (const instance of stats.instances) {
    let entry = counts.get(instance.functionName);
    if (entry === undefined) {
      entry = { busy: 0, idle: 0 };
      counts.set(instance.functionName, entry);
    }
    if (instance.busy) entry.busy++;
    else entry.idle++;
  }
  return counts;
}

export function withInstances<T extends FunctionSummary>(
  summary: T,
  counts: Map<string, InstanceCounts>,
): T & { instances: InstanceCounts } {
  return { ...summary, instances: counts.get(summary.name) ?? { busy: 0, idle: 0 } };
}
