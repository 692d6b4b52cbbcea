import type { Clock, TimerHandle } from '../core/clock.js';
import type { InitOutcome, PooledInstance } from './pooled-instance.js';
import type { FunctionSpec } from './types.js';

/** The parts of a pool slot that provisioning looks at. */
export interface ProvisionedSlot {
  instance: PooledInstance;
  key: string;
  busy: boolean;
  provisioned: boolean;
  retired: boolean;
}

export interface ProvisionedSetDeps<S extends ProvisionedSlot> {
  clock: Clock;
  /** Wait before trying again after a provisioned start failed. */
  retryMs: number;
  /** Every slot of a function the pool holds. */
  slotsOf(functionName: string): S[];
  keyOf(spec: FunctionSpec): string;
  /** Starts (initializes) a new instance of `spec`. */
  start(spec: FunctionSpec): Promise<InitOutcome>;
  /** Hands a started instance to the pool, idle, provisioned or not. */
  adopt(instance: PooledInstance, provisioned: boolean): void;
  /** Marks a slot provisioned (no idle timeout) or not (idle timeout applies). */
  setProvisioned(slot: S, provisioned: boolean): void;
  /** Stops a slot now if idle, else when released. */
  retire(slot: S): void;
}

interface Target {
  spec: FunctionSpec;
  key: string;
  count: number;
  /** Starts in progress for this target. */
  pending: number;
  retryTimer: TimerHandle | null;
}

/**
 * Provisioned concurrency: per function, one version (key) with a number of instances kept
 * initialized at all times.
 *
 * Invariant after `reconcile`: provisioned alive slots of the key + starts in progress = count.
 * Existing on-demand instances of the key are promoted before new ones are started; extra
 * provisioned ones are demoted (they then scale to zero like any other). A start that finishes
 * after its target changed is stopped; a failed start is retried after `retryMs`, not at once, so a
 * function whose init always fails does not spin.
 */
export class ProvisionedSet<S extends ProvisionedSlot> {
  readonly #deps: ProvisionedSetDeps<S>;
  readonly #targets = new Map<string, Target>();

  constructor(deps: ProvisionedSetDeps<S>) {
    this.#deps = deps;
  }

  set(spec: FunctionSpec, count: number): void {
    const functionName = spec.functionName;
    const key = this.#deps.keyOf(spec);
    const old = this.#targets.get(functionName);
    if (old && (old.key !== key || count === 0)) {
      old.retryTimer?.cancel();
      this.#targets.delete(functionName);
    }
    for (const slot of this.#deps.slotsOf(functionName)) {
      if (!slot.provisioned) continue;
      // Other versions stop being provisioned and are retired; with count 0 the version scales to zero.
      if (slot.key !== key) this.#deps.retire(slot);
      else if (count === 0) this.#deps.setProvisioned(slot, false);
    }
    if (count === 0) return;
    const target = this.#targets.get(functionName) ?? { spec, key, count, pending: 0, retryTimer: null };
    target.spec = spec;
    target.count = count;
    this.#targets.set(functionName, target);
    this.reconcile(functionName);
  }

  /** Brings the function back to its count (after an instance died, or a retry). */
  reconcile(functionName: string): void {
    const target = this.#targets.get(functionName);
    if (!target) return;
    const mine = this.#deps
      .slotsOf(functionName)
      .filter((slot) => slot.key === target.key && slot.instance.alive && !slot.retired)
      // Idle ones first: they are the ones to promote or demote without waiting for a release.
      .sort((a, b) => Number(a.busy) - Number(b.busy));
    let have = mine.filter((slot) => slot.provisioned).length + target.pending;
    for (const slot of mine) {
      if (have >= target.count) break;
      if (!slot.provisioned) {
        this.#deps.setProvisioned(slot, true);
        have++;
      }
    }
    for (const slot of mine) {
      if (have <= target.count) break;
      if (slot.provisioned) {
        this.#deps.setProvisioned(slot, false);
        have--;
      }
    }
    while (have < target.count) {
      target.pending++;
      have++;
      void this.#startOne(target);
    }
  }

  /** Stops provisioning `functionName` if its provisioned version is not kept. */
  retire(functionName: string, keepVersionIds: ReadonlySet<string>): void {
    const target = this.#targets.get(functionName);
    if (target && !keepVersionIds.has(target.spec.versionId)) {
      target.retryTimer?.cancel();
      this.#targets.delete(functionName);
    }
  }

  /** Forgets every target (pool stopping). Starts in progress are stopped when they finish. */
  clear(): void {
    for (const target of this.#targets.values()) target.retryTimer?.cancel();
    this.#targets.clear();
  }

  async #startOne(target: Target): Promise<void> {
    const functionName = target.spec.functionName;
    let outcome: InitOutcome;
    try {
      outcome = await this.#deps.start(target.spec);
    } catch (error) {
      outcome = { ok: false, error: { errorType: 'Runtime.Unknown', errorMessage: String(error) } };
    }
    target.pending--;
    const current = this.#targets.get(functionName) === target;
    if (!outcome.ok) {
      if (current && !target.retryTimer) {
        target.retryTimer = this.#deps.clock.setTimeout(() => {
          target.retryTimer = null;
          this.reconcile(functionName);
        }, this.#deps.retryMs);
      }
      return;
    }
    if (!current) {
      outcome.instance.kill('no longer provisioned');
      return;
    }
    const provisioned = this.#deps
      .slotsOf(functionName)
      .filter((slot) => slot.key === target.key && slot.provisioned && slot.instance.alive).length;
    this.#deps.adopt(outcome.instance, provisioned + target.pending < target.count);
  }
}
