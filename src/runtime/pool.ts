import { rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../core/clock.js';
import { GustError } from '../core/errors.js';
import type { InitializationType } from './lambda-env.js';
import { NodeInstance } from './node/node-instance.js';
import { NodeProcess } from './node/node-process.js';
import type { InitOutcome, InstanceOptions, PooledInstance } from './pooled-instance.js';
import { ProvidedInstance } from './provided/provided-instance.js';
import { ProvisionedSet } from './provisioned-set.js';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './sandbox/bwrap.js';
import type {
  AcquireResult,
  FunctionSpec,
  Instance,
  InstanceLogLine,
  InstancePool,
  LogListener,
  PoolStats,
} from './types.js';

export interface InstancePoolDeps {
  clock: Clock;
  /** Gust's data directory; per-instance tmp dirs are created under `dataDir/tmp`. */
  dataDir: string;
  /** Generic Node.js processes kept started and waiting for a function. Default 2. */
  genericPoolSize?: number;
  /** An instance idle this long is stopped (unless provisioned). Default 5 minutes. */
  idleTimeoutMs?: number;
  /**
   * An instance older than this is not reused: it stops when it is next released or picked, and a
   * new one takes its place. Bounds how long the credentials in its environment must stay valid
   * (function roles' session credentials last 12 hours). Default 6 hours.
   */
  maxInstanceAgeMs?: number;
  /** How often the RSS of a busy instance is checked against its memory size. Default 100 ms. */
  memoryPollMs?: number;
  /** Longest initialization. Default: the function's timeout, but at least 10 s. */
  initTimeoutMs?: number;
  /** Wait before retrying a provisioned instance whose start failed. Default 5 s. */
  provisionRetryMs?: number;
  /** Lines no invocation listens to: provisioned starts, output before any invocation. */
  onUnattributedLog?: (functionName: string, line: InstanceLogLine) => void;
  /**
   * 'bwrap': every instance process runs in a bubblewrap sandbox (see sandbox/bwrap.ts; check
   * `detectSandbox()` first). Sandboxed Node.js processes are started per function, so there are
   * no generic pre-started processes (`genericPoolSize` is ignored). Default 'none'.
   */
  sandbox?: 'bwrap' | 'none';
  /** Resource limits of sandboxed processes. Default DEFAULT_SANDBOX_LIMITS. */
  sandboxLimits?: Partial<SandboxLimits>;
}

/** A started instance the pool owns. */
interface Slot {
  instance: PooledInstance;
  key: string;
  busy: boolean;
  provisioned: boolean;
  /** Stop it when it is released (retired version, or no longer provisioned). */
  retired: boolean;
  idleSince: number | null;
  idleTimer: TimerHandle | null;
  /** When the pool took it over (clock.now()). */
  startedAt: number;
}

/**
 * Warm instances are reused only for the same content version *and* executed version: `$LATEST`
 * and a published number that point at the same code still differ in AWS_LAMBDA_FUNCTION_VERSION
 * and context.functionVersion, as separate Lambda execution environments do.
 */
function keyOf(spec: FunctionSpec): string {
  return `${spec.functionName}\u0000${spec.versionId}\u0000${spec.executedVersion}`;
}

const noLog: LogListener = () => {};

class Pool implements InstancePool {
  readonly #deps: InstancePoolDeps;
  readonly #clock: Clock;
  readonly #tmpRoot: string;
  readonly #genericSize: number;
  readonly #sandboxLimits: SandboxLimits | null;
  readonly #idleTimeoutMs: number;
  readonly #maxAgeMs: number;
  readonly #provisioned: ProvisionedSet<Slot>;
  /** Generic Node.js processes, starting or ready, not yet given a function. */
  #generic: NodeProcess[] = [];
  /** Instances being initialized (so stop() can kill them). */
  readonly #starting = new Set<PooledInstance>();
  readonly #slots = new Map<string, Slot>();
  /** Idle slots per key; the most recently used is last. */
  readonly #idle = new Map<string, Slot[]>();
  #refillTimer: TimerHandle | null = null;
  #stopped = false;

  constructor(deps: InstancePoolDeps) {
    this.#deps = deps;
    this.#clock = deps.clock;
    this.#tmpRoot = join(deps.dataDir, 'tmp');
    this.#sandboxLimits =
      deps.sandbox === 'bwrap' ? { ...DEFAULT_SANDBOX_LIMITS, ...deps.sandboxLimits } : null;
    // A sandboxed process has its function's code bound at spawn: it cannot be generic.
    this.#genericSize = this.#sandboxLimits ? 0 : (deps.genericPoolSize ?? 2);
    this.#idleTimeoutMs = deps.idleTimeoutMs ?? 5 * 60_000;
    this.#maxAgeMs = deps.maxInstanceAgeMs ?? 6 * 60 * 60_000;
    this.#provisioned = new ProvisionedSet<Slot>({
      clock: deps.clock,
      retryMs: deps.provisionRetryMs ?? 5000,
      slotsOf: (functionName) =>
        [...this.#slots.values()].filter((s) => s.instance.spec.functionName === functionName),
      keyOf,
      start: (spec) => this.#startInstance(spec, 'provisioned-concurrency', this.#unattributed(spec)),
      adopt: (instance, provisioned) => this.#adopt(instance, provisioned),
      setProvisioned: (slot, provisioned) => this.#setSlotProvisioned(slot, provisioned),
      retire: (slot) => this.#retireSlot(slot),
    });
  }

  async start(): Promise<void> {
    this.#refillGeneric();
    await Promise.all(this.#generic.map((proc) => proc.ready));
  }

  async acquire(spec: FunctionSpec, onInitLog: LogListener): Promise<AcquireResult> {
    if (this.#stopped) throw new GustError('ERR_SHUTTING_DOWN', 'Gust is shutting down; try again shortly.');
    const warm = this.#takeIdle(keyOf(spec));
    if (warm) return { ok: true, instance: warm.instance, cold: false, initDurationMs: null };

    const started = this.#clock.monotonic();
    const outcome = await this.#startInstance(spec, 'on-demand', onInitLog);
    const initDurationMs = Math.round((this.#clock.monotonic() - started) * 100) / 100;
    if (!outcome.ok) return { ok: false, error: outcome.error, initDurationMs };
    if (this.#stopped) {
      outcome.instance.kill('pool stopped');
      throw new GustError('ERR_SHUTTING_DOWN', 'Gust is shutting down; try again shortly.');
    }
    this.#register(outcome.instance, true, false);
    return { ok: true, instance: outcome.instance, cold: true, initDurationMs };
  }

  release(instance: Instance): void {
    const slot = this.#slots.get(instance.id);
    if (!slot || slot.instance !== instance || !slot.busy) return;
    slot.busy = false;
    if (!instance.alive) return; // its exit handler removes it
    if (slot.retired || this.#stopped) {
      slot.instance.kill('retired');
      return;
    }
    if (this.#tooOld(slot)) {
      slot.instance.kill('max age');
      return;
    }
    this.#makeIdle(slot);
  }

  setProvisioned(spec: FunctionSpec, count: number): void {
    if (this.#stopped) return;
    this.#provisioned.set(spec, Math.max(0, Math.floor(count)));
  }

  retire(functionName: string, keepVersionIds: readonly string[]): void {
    const keep = new Set(keepVersionIds);
    this.#provisioned.retire(functionName, keep);
    for (const slot of this.#slots.values()) {
      const spec = slot.instance.spec;
      if (spec.functionName === functionName && !keep.has(spec.versionId)) this.#retireSlot(slot);
    }
  }

  stats(): PoolStats {
    return {
      genericReady: this.#generic.filter((proc) => proc.isReady).length,
      instances: [...this.#slots.values()].map((slot) => ({
        id: slot.instance.id,
        functionName: slot.instance.spec.functionName,
        versionId: slot.instance.spec.versionId,
        pid: slot.instance.pid,
        busy: slot.busy,
        provisioned: slot.provisioned,
        idleSince: slot.idleSince,
      })),
    };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#refillTimer?.cancel();
    this.#provisioned.clear();
    const closing: Promise<void>[] = [];
    for (const proc of this.#generic.splice(0)) {
      proc.kill();
      closing.push(proc.handle.closed);
    }
    for (const instance of this.#starting) {
      instance.kill('pool stopped');
      closing.push(instance.closed);
    }
    for (const slot of this.#slots.values()) {
      slot.idleTimer?.cancel();
      slot.instance.kill('pool stopped');
      closing.push(slot.instance.closed);
    }
    await Promise.all(closing);
    await rmdir(this.#tmpRoot).catch(() => {});
  }

  // --- starting instances ----------------------------------------------------------------------

  #options(spec: FunctionSpec): InstanceOptions {
    const options: InstanceOptions = {
      clock: this.#clock,
      memoryPollMs: this.#deps.memoryPollMs ?? 100,
      initTimeoutMs: this.#deps.initTimeoutMs ?? Math.max(10_000, spec.timeoutSec * 1000),
      tmpRoot: this.#tmpRoot,
    };
    if (this.#deps.onUnattributedLog) options.onUnattributedLog = this.#unattributed(spec);
    if (this.#sandboxLimits) options.sandbox = { limits: this.#sandboxLimits };
    return options;
  }

  #unattributed(spec: FunctionSpec): LogListener {
    const sink = this.#deps.onUnattributedLog;
    return sink ? (line) => sink(spec.functionName, line) : noLog;
  }

  async #startInstance(
    spec: FunctionSpec,
    initializationType: InitializationType,
    onInitLog: LogListener,
  ): Promise<InitOutcome> {
    const options = this.#options(spec);
    let instance: NodeInstance | ProvidedInstance;
    let init: Promise<InitOutcome>;
    switch (spec.runtime) {
      case 'nodejs20.x': {
        // Cold starts are paid in advance: take a pre-started process, refill in the background.
        const proc = this.#sandboxLimits
          ? this.#spawnNodeProcess(spec, this.#sandboxLimits)
          : (this.#takeGeneric() ?? this.#spawnNodeProcess());
        this.#refillGeneric();
        const node = new NodeInstance(proc, spec, options);
        instance = node;
        init = node.load({ initializationType, onInitLog });
        break;
      }
      case 'provided': {
        const provided = new ProvidedInstance(spec, options);
        instance = provided;
        init = provided.start({ initializationType, onInitLog });
        break;
      }
    }
    this.#starting.add(instance);
    try {
      return await init;
    } finally {
      this.#starting.delete(instance);
    }
  }

  /** A generic process, or (with `spec` and `limits`) a sandboxed process for that function only. */
  #spawnNodeProcess(spec?: FunctionSpec, limits?: SandboxLimits): NodeProcess {
    if (!spec || !limits) return new NodeProcess({ clock: this.#clock, tmpRoot: this.#tmpRoot });
    return new NodeProcess({
      clock: this.#clock,
      tmpRoot: this.#tmpRoot,
      sandbox: { codeDir: spec.codeDir, network: spec.network ?? 'outbound', limits },
    });
  }

  #takeGeneric(): NodeProcess | undefined {
    const index = this.#generic.findIndex((proc) => proc.isReady);
    if (index === -1) return undefined;
    return this.#generic.splice(index, 1)[0];
  }

  /** Tops the generic pool up to its size. Never awaited by acquire. */
  #refillGeneric(): void {
    if (this.#stopped) return;
    while (this.#generic.length < this.#genericSize) {
      const proc = this.#spawnNodeProcess();
      this.#generic.push(proc);
      proc.handle.onExit(() => {
        const index = this.#generic.indexOf(proc);
        if (index === -1) return; // taken by an instance
        this.#generic.splice(index, 1);
        // A generic process should never die; if it did, retry later rather than in a tight loop.
        this.#refillTimer?.cancel();
        this.#refillTimer = this.#clock.setTimeout(() => this.#refillGeneric(), 1000);
      });
    }
  }

  // --- owning instances --------------------------------------------------------------------------

  #register(instance: PooledInstance, busy: boolean, provisioned: boolean): Slot {
    const slot: Slot = {
      instance,
      key: keyOf(instance.spec),
      busy,
      provisioned,
      retired: false,
      idleSince: null,
      idleTimer: null,
      startedAt: this.#clock.now(),
    };
    this.#slots.set(instance.id, slot);
    instance.onExit(() => this.#onExit(slot));
    if (!busy) this.#makeIdle(slot);
    return slot;
  }

  /** A provisioned start finished: keep it (idle) unless the pool is stopping. */
  #adopt(instance: PooledInstance, provisioned: boolean): void {
    if (this.#stopped) {
      instance.kill('pool stopped');
      return;
    }
    this.#register(instance, false, provisioned);
  }

  #onExit(slot: Slot): void {
    if (this.#slots.get(slot.instance.id) !== slot) return;
    this.#slots.delete(slot.instance.id);
    slot.idleTimer?.cancel();
    this.#removeIdle(slot);
    if (slot.provisioned && !this.#stopped) this.#provisioned.reconcile(slot.instance.spec.functionName);
  }

  #tooOld(slot: Slot): boolean {
    return this.#clock.now() - slot.startedAt >= this.#maxAgeMs;
  }

  #takeIdle(key: string): Slot | undefined {
    const list = this.#idle.get(key);
    while (list && list.length > 0) {
      const slot = list.pop()!;
      if (!slot.instance.alive) continue;
      if (this.#tooOld(slot)) {
        // Its exit handler forgets it (and starts a replacement if it was provisioned).
        slot.instance.kill('max age');
        continue;
      }
      slot.busy = true;
      slot.idleSince = null;
      slot.idleTimer?.cancel();
      slot.idleTimer = null;
      if (list.length === 0) this.#idle.delete(key);
      return slot;
    }
    this.#idle.delete(key);
    return undefined;
  }

  #makeIdle(slot: Slot): void {
    slot.idleSince = this.#clock.now();
    let list = this.#idle.get(slot.key);
    if (!list) {
      list = [];
      this.#idle.set(slot.key, list);
    }
    list.push(slot);
    this.#scheduleIdleStop(slot);
  }

  #removeIdle(slot: Slot): void {
    const list = this.#idle.get(slot.key);
    if (!list) return;
    const index = list.indexOf(slot);
    if (index !== -1) list.splice(index, 1);
    if (list.length === 0) this.#idle.delete(slot.key);
  }

  /** Scale to zero: an idle, unprovisioned instance stops after idleTimeoutMs. */
  #scheduleIdleStop(slot: Slot): void {
    slot.idleTimer?.cancel();
    slot.idleTimer = null;
    if (slot.provisioned || slot.busy) return;
    slot.idleTimer = this.#clock.setTimeout(() => {
      slot.idleTimer = null;
      if (slot.busy || slot.provisioned) return;
      this.#removeIdle(slot);
      slot.instance.kill('idle timeout');
    }, this.#idleTimeoutMs);
  }

  #setSlotProvisioned(slot: Slot, provisioned: boolean): void {
    slot.provisioned = provisioned;
    if (!slot.busy) this.#scheduleIdleStop(slot);
  }

  /** Stops `slot` now if idle, else when it is released. */
  #retireSlot(slot: Slot): void {
    slot.retired = true;
    slot.provisioned = false;
    if (slot.busy) return;
    slot.idleTimer?.cancel();
    this.#removeIdle(slot);
    slot.instance.kill('retired');
  }
}

/** Creates the instance pool for every function. Call `start()` before use and `stop()` at shutdown. */
export function createInstancePool(deps: InstancePoolDeps): InstancePool {
  return new Pool(deps);
}
