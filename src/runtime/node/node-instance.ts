import type { TimerHandle } from '../../core/clock.js';
import { decodeClientContext } from '../client-context.js';
import { buildLambdaEnv, logGroupName, newLogStreamName } from '../lambda-env.js';
import {
  exitError,
  initTimeoutError,
  KILLED,
  MAX_RESPONSE_BYTES,
  type ProcessExit,
  responseTooLarge,
  unavailableOutcome,
} from '../lambda-errors.js';
import { kbToMB, type MemoryWatch, watchMemory } from '../memory-monitor.js';
import type { InitOutcome, InitRequest, InstanceOptions, PooledInstance } from '../pooled-instance.js';
import type { FunctionSpec, InvokeOutcome, InvokeRequest, LogListener } from '../types.js';
import type { NodeProcess } from './node-process.js';
import type { ChildMessage } from './protocol.js';

interface PendingInvoke {
  requestId: string;
  resolve: (outcome: InvokeOutcome) => void;
  watch: MemoryWatch;
}

interface PendingInit {
  resolve: (outcome: InitOutcome) => void;
  watch: MemoryWatch;
  timer: TimerHandle;
}

/**
 * A Node.js instance: a bootstrap process loaded with one function version. Serves one invocation
 * at a time; module state lives on between invocations because the process does.
 *
 * Invariants: at most one of init/invoke is pending; each settles exactly once (from the child's
 * reply, or from the process exit, which always comes); once `alive` is false it stays false.
 */
export class NodeInstance implements PooledInstance {
  readonly id: string;
  readonly spec: FunctionSpec;
  readonly #proc: NodeProcess;
  readonly #options: InstanceOptions;
  #dead = false;
  #killReason: string | undefined;
  #oomUsedMB: number | null = null;
  #init: PendingInit | null = null;
  #pending: PendingInvoke | null = null;

  /** Takes ownership of `proc` (generic, possibly still starting) for `spec`. Call `load` next. */
  constructor(proc: NodeProcess, spec: FunctionSpec, options: InstanceOptions) {
    this.id = proc.id;
    this.spec = spec;
    this.#proc = proc;
    this.#options = options;
    if (options.onUnattributedLog) proc.router.setFallback(options.onUnattributedLog);
    proc.setHandler((message) => this.#onMessage(message));
    proc.handle.onExit((exit) => this.#onExit(exit));
  }

  /**
   * Gives the process its function: sets its environment and imports the handler. On failure the
   * process is killed and the init error returned.
   */
  async load(init: InitRequest): Promise<InitOutcome> {
    if (!(await this.#proc.ready) || this.#dead) {
      return { ok: false, error: exitError(null, this.#proc.handle.exit ?? KILLED, this.#killReason) };
    }
    return this.#load(init);
  }

  get alive(): boolean {
    return !this.#dead && this.#proc.handle.exit === null;
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  get closed(): Promise<void> {
    return this.#proc.handle.closed;
  }

  onExit(listener: () => void): void {
    this.#proc.handle.onExit(() => listener());
  }

  invoke(request: InvokeRequest, onLog: LogListener): Promise<InvokeOutcome> {
    if (!this.alive || this.#pending || this.#init) {
      const exit = this.#proc.handle.exit;
      return Promise.resolve(
        unavailableOutcome(request.requestId, { alive: this.alive, exit, killReason: this.#killReason }),
      );
    }
    this.#proc.router.attach(onLog);
    return new Promise((resolve) => {
      this.#pending = { requestId: request.requestId, resolve, watch: this.#watchMemory() };
      const clientContext = decodeClientContext(request.clientContext);
      this.#proc.send({
        type: 'invoke',
        requestId: request.requestId,
        payload: request.payload,
        deadline: request.deadline,
        invokedFunctionArn: request.invokedFunctionArn,
        traceId: request.traceId,
        ...(clientContext === undefined ? {} : { clientContext }),
      });
    });
  }

  kill(reason: string): void {
    this.#killReason ??= reason;
    this.#dead = true;
    this.#proc.kill();
  }

  #load(init: InitRequest): Promise<InitOutcome> {
    const spec = this.spec;
    const { clock, initTimeoutMs } = this.#options;
    const logStreamName = newLogStreamName(clock.now(), spec.executedVersion);
    const env = buildLambdaEnv(spec, {
      tmpDir: this.#proc.tmpDir,
      logStreamName,
      initializationType: init.initializationType,
    });
    this.#proc.router.attach(init.onInitLog);
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => {
        this.#settleInit({ ok: false, error: initTimeoutError(initTimeoutMs) });
        this.kill('init timeout');
      }, initTimeoutMs);
      this.#init = { resolve, watch: this.#watchMemory(), timer };
      this.#proc.send({
        type: 'load',
        functionName: spec.functionName,
        functionVersion: spec.executedVersion,
        handler: spec.handler,
        codeDir: spec.codeDir,
        memoryMB: spec.memoryMB,
        logGroupName: logGroupName(spec.functionName),
        logStreamName,
        env,
      });
    });
  }

  #watchMemory(): MemoryWatch {
    const pid = this.#proc.pid;
    if (pid === undefined) return { stop() {}, peakMB: null };
    return watchMemory({
      clock: this.#options.clock,
      pollMs: this.#options.memoryPollMs,
      pid,
      limitMB: this.spec.memoryMB,
      onExceeded: (usedMB) => {
        this.#oomUsedMB = usedMB;
        this.kill(`out of memory: used ${usedMB} MB of ${this.spec.memoryMB} MB`);
      },
    });
  }

  #onMessage(message: Exclude<ChildMessage, { type: 'log' | 'write' | 'ready' }>): void {
    switch (message.type) {
      case 'loaded':
        this.#settleInit({ ok: true, instance: this });
        return;
      case 'init-error':
        if (!this.#init) return;
        this.#settleInit({ ok: false, error: message.error });
        this.kill('init error');
        return;
      case 'result': {
        const pending = this.#pending;
        if (!pending || pending.requestId !== message.requestId) return;
        const maxMemoryUsedMB = kbToMB(message.maxRssKB);
        if (message.ok) {
          if (Buffer.byteLength(message.payload) > MAX_RESPONSE_BYTES) {
            this.#settleInvoke({ ok: false, fatal: false, error: responseTooLarge(), maxMemoryUsedMB });
          } else {
            this.#settleInvoke({ ok: true, payload: message.payload, maxMemoryUsedMB });
          }
        } else {
          if (message.fatal) this.kill('fatal error');
          this.#settleInvoke({ ok: false, fatal: message.fatal, error: message.error, maxMemoryUsedMB });
        }
        return;
      }
    }
  }

  #onExit(exit: ProcessExit): void {
    this.#dead = true;
    this.#settleInit({ ok: false, error: exitError(null, exit, this.#killReason) });
    const pending = this.#pending;
    if (pending) {
      this.#settleInvoke({
        ok: false,
        fatal: true,
        error: exitError(pending.requestId, exit, this.#killReason),
        maxMemoryUsedMB: this.#oomUsedMB ?? pending.watch.peakMB,
      });
    }
  }

  #settleInit(outcome: InitOutcome): void {
    const init = this.#init;
    if (!init) return;
    this.#init = null;
    init.timer.cancel();
    init.watch.stop();
    this.#proc.router.flush('write');
    this.#proc.router.detach();
    init.resolve(outcome);
  }

  #settleInvoke(outcome: InvokeOutcome): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    pending.watch.stop();
    this.#proc.router.flush('write');
    this.#proc.router.detach();
    pending.resolve(outcome);
  }
}
