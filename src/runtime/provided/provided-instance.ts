import { randomUUID } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimerHandle } from '../../core/clock.js';
import type { LambdaErrorPayload } from '../../core/types.js';
import { decodeClientContext } from '../client-context.js';
import { buildLambdaEnv, newLogStreamName } from '../lambda-env.js';
import {
  exitError,
  initTimeoutError,
  KILLED,
  type ProcessExit,
  unavailableOutcome,
} from '../lambda-errors.js';
import { LogRouter } from '../log-router.js';
import { kbToMB, type MemoryWatch, readPeakRssKB, watchMemory } from '../memory-monitor.js';
import type { InitOutcome, InitRequest, InstanceOptions, PooledInstance } from '../pooled-instance.js';
import { ProcessHandle } from '../process-handle.js';
import type { FunctionSpec, InvokeOutcome, InvokeRequest, LogListener } from '../types.js';
import { RuntimeApiServer, type RuntimeReply } from './runtime-api-server.js';
import { createRuntimeApiSocket, type RuntimeApiSocket } from './runtime-api-socket.js';

interface PendingInvoke {
  requestId: string;
  resolve: (outcome: InvokeOutcome) => void;
  watch: MemoryWatch;
  /** The runtime answered; the outcome is being finished and the exit must not replace it. */
  replied: boolean;
}

interface PendingInit {
  resolve: (outcome: InitOutcome) => void;
  watch: MemoryWatch;
  timer: TimerHandle;
}

/** Lambda's error when the code has no usable `bootstrap`. */
async function checkBootstrap(path: string): Promise<LambdaErrorPayload | null> {
  try {
    await access(path, constants.F_OK);
  } catch {
    return {
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: `Couldn't find valid bootstrap(s): [${path}]`,
    };
  }
  try {
    await access(path, constants.X_OK);
  } catch {
    return { errorType: 'Runtime.InvalidEntrypoint', errorMessage: `fork/exec ${path}: permission denied` };
  }
  return null;
}

/**
 * An instance of a `provided` function: the code's own `bootstrap` executable (any language),
 * talking to a Runtime API server that belongs to this instance alone. Initialized when the
 * bootstrap first asks for an event. Its output is read from stdout/stderr, line by line.
 */
export class ProvidedInstance implements PooledInstance {
  readonly id = randomUUID().replaceAll('-', '');
  readonly spec: FunctionSpec;
  readonly #options: InstanceOptions;
  readonly #router: LogRouter;
  readonly #server: RuntimeApiServer;
  readonly #tmpDir: string;
  #handle: ProcessHandle | null = null;
  #dead = false;
  #killReason: string | undefined;
  #oomUsedMB: number | null = null;
  #init: PendingInit | null = null;
  #pending: PendingInvoke | null = null;
  #closed: Promise<void> = Promise.resolve();

  /** Creates the instance; `start` spawns it. */
  constructor(spec: FunctionSpec, options: InstanceOptions) {
    this.spec = spec;
    this.#options = options;
    this.#tmpDir = join(options.tmpRoot, this.id);
    this.#router = new LogRouter(options.clock, options.onUnattributedLog);
    this.#server = new RuntimeApiServer({
      onFirstNext: () => this.#settleInit({ ok: true, instance: this }),
      onInitError: (error) => {
        this.#settleInit({ ok: false, error });
        this.kill('init error');
      },
    });
  }

  /** Starts the bootstrap and waits until it asks for its first event (or fails). */
  async start(init: InitRequest): Promise<InitOutcome> {
    const bootstrap = join(this.spec.codeDir, 'bootstrap');
    const invalid = await checkBootstrap(bootstrap);
    if (invalid) return { ok: false, error: invalid };
    return this.#start(bootstrap, init);
  }

  get alive(): boolean {
    return !this.#dead && this.#handle !== null && this.#handle.exit === null;
  }

  get pid(): number | undefined {
    return this.#handle?.pid;
  }

  get closed(): Promise<void> {
    return this.#closed;
  }

  onExit(listener: () => void): void {
    if (this.#handle) this.#handle.onExit(() => listener());
    else listener();
  }

  invoke(request: InvokeRequest, onLog: LogListener): Promise<InvokeOutcome> {
    if (!this.alive || this.#pending || this.#init) {
      const exit = this.#handle?.exit ?? null;
      return Promise.resolve(
        unavailableOutcome(request.requestId, { alive: this.alive, exit, killReason: this.#killReason }),
      );
    }
    this.#router.attach(onLog);
    return new Promise((resolve) => {
      const pending: PendingInvoke = {
        requestId: request.requestId,
        resolve,
        watch: this.#watchMemory(),
        replied: false,
      };
      this.#pending = pending;
      const clientContext = decodeClientContext(request.clientContext);
      this.#server
        .submit({
          requestId: request.requestId,
          payload: request.payload,
          deadline: request.deadline,
          invokedFunctionArn: request.invokedFunctionArn,
          traceId: request.traceId,
          ...(clientContext === undefined ? {} : { clientContext }),
        })
        .then((reply) => this.#onReply(pending, reply))
        .catch(() => {});
    });
  }

  kill(reason: string): void {
    this.#killReason ??= reason;
    this.#dead = true;
    this.#handle?.kill();
  }

  async #start(bootstrap: string, init: InitRequest): Promise<InitOutcome> {
    const { spec } = this;
    const { clock, initTimeoutMs, sandbox } = this.#options;
    // Without network, the sandbox cannot reach the host's loopback: the Runtime API is served on a
    // Unix socket and relayed to 127.0.0.1:9001 inside the sandbox (runtime-api-socket.ts).
    let socket: RuntimeApiSocket | null = null;
    let runtimeApi: string;
    try {
      if (sandbox && spec.network === 'none') {
        socket = await createRuntimeApiSocket(`${this.#tmpDir}-api`);
        await this.#server.listen(socket.path);
        await socket.handOver();
        runtimeApi = `127.0.0.1:${socket.relay.port}`;
      } else {
        runtimeApi = await this.#server.listen();
      }
    } catch (error) {
      this.#closed = this.#closeServer(socket);
      return {
        ok: false,
        error: { errorType: 'Runtime.Unknown', errorMessage: `Runtime API server: ${String(error)}` },
      };
    }
    if (this.#dead) {
      // Killed (pool stopping) before the process existed.
      this.#closed = this.#closeServer(socket);
      return { ok: false, error: exitError(null, KILLED, this.#killReason) };
    }
    const env = buildLambdaEnv(spec, {
      tmpDir: this.#tmpDir,
      logStreamName: newLogStreamName(clock.now(), spec.executedVersion),
      initializationType: init.initializationType,
      runtimeApi,
    });
    this.#router.attach(init.onInitLog);
    const handle = new ProcessHandle({
      command: bootstrap,
      args: [],
      cwd: spec.codeDir,
      env,
      ipc: false,
      router: this.#router,
      tmpDir: this.#tmpDir,
      ...(sandbox
        ? {
            sandbox: {
              codeDir: spec.codeDir,
              network: socket ? ('none' as const) : ('outbound' as const),
              limits: sandbox.limits,
              runtimePaths: socket?.runtimePaths ?? [],
              ...(socket ? { relay: socket.relay } : {}),
            },
          }
        : {}),
    });
    this.#handle = handle;
    this.#closed = handle.closed.then(() => this.#closeServer(socket));
    // Exit, /next and /init/error all arrive asynchronously: #init is in place before any of them.
    handle.onExit((exit) => this.#onExit(exit));
    return new Promise<InitOutcome>((resolve) => {
      const timer = clock.setTimeout(() => {
        this.#settleInit({ ok: false, error: initTimeoutError(initTimeoutMs) });
        this.kill('init timeout');
      }, initTimeoutMs);
      this.#init = { resolve, timer, watch: this.#watchMemory() };
    });
  }

  /** Closes the Runtime API server and removes its socket folder, if it has one. */
  async #closeServer(socket: RuntimeApiSocket | null): Promise<void> {
    await this.#server.close();
    await socket?.remove().catch(() => {});
  }

  #watchMemory(): MemoryWatch {
    const pid = this.#handle?.pid;
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

  async #onReply(pending: PendingInvoke, reply: RuntimeReply): Promise<void> {
    if (this.#pending !== pending) return;
    pending.replied = true;
    // Lines written just before the reply may still be in the pipe: let one poll phase read them.
    await new Promise((resolve) => setImmediate(resolve));
    const pid = this.#handle?.pid;
    const peakKB = pid === undefined ? null : await readPeakRssKB(pid);
    const watched = pending.watch.peakMB;
    const candidates = [watched, peakKB === null ? null : kbToMB(peakKB)].filter(
      (v): v is number => v !== null,
    );
    const maxMemoryUsedMB = candidates.length > 0 ? Math.max(...candidates) : null;
    this.#settleInvoke(
      reply.ok
        ? { ok: true, payload: reply.payload, maxMemoryUsedMB }
        : { ok: false, fatal: false, error: reply.error, maxMemoryUsedMB },
    );
  }

  #onExit(exit: ProcessExit): void {
    this.#dead = true;
    this.#settleInit({ ok: false, error: exitError(null, exit, this.#killReason) });
    const pending = this.#pending;
    if (pending && !pending.replied) {
      this.#settleInvoke({
        ok: false,
        fatal: true,
        error: exitError(pending.requestId, exit, this.#killReason),
        maxMemoryUsedMB: this.#oomUsedMB ?? pending.watch.peakMB,
      });
    }
    this.#server.abandon();
  }

  #settleInit(outcome: InitOutcome): void {
    const init = this.#init;
    if (!init) return;
    this.#init = null;
    init.timer.cancel();
    init.watch.stop();
    this.#router.flush('pipe');
    this.#router.detach();
    init.resolve(outcome);
  }

  #settleInvoke(outcome: InvokeOutcome): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    pending.watch.stop();
    this.#router.flush('pipe');
    this.#router.detach();
    pending.resolve(outcome);
  }
}
