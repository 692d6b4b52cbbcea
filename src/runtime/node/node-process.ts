import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../core/clock.js';
import { minimalSpawnEnv } from '../lambda-env.js';
import { LogRouter } from '../log-router.js';
import { ProcessHandle, type ProcessSandbox } from '../process-handle.js';
import type { LogListener } from '../types.js';
import { type ChildMessage, isChildMessage, type ParentMessage } from './protocol.js';

/** The compiled bootstrap, next to this module in dist/. */
export const BOOTSTRAP_PATH = fileURLToPath(new URL('./bootstrap.js', import.meta.url));

/** The package.json that makes the compiled bootstrap an ES module (nearest one above it). */
export function nearestPackageJson(from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * What a sandboxed bootstrap needs to see besides the function's code: the compiled bootstrap's
 * directory (it imports only its siblings at run time; its other imports are types) and the
 * package.json that declares `"type": "module"`.
 */
export function bootstrapPaths(): string[] {
  const dir = dirname(BOOTSTRAP_PATH);
  const pkg = nearestPackageJson(dir);
  return pkg ? [dir, pkg] : [dir];
}

export interface NodeProcessOptions {
  clock: Clock;
  /** The process's private tmp dir is created under this directory. */
  tmpRoot: string;
  onUnattributedLog?: LogListener;
  /**
   * Sandbox the process for one function (its code bound read-only). A sandboxed process is made
   * for its function: it cannot be a generic process, since the code must be bound at spawn.
   */
  sandbox?: Omit<ProcessSandbox, 'runtimePaths'>;
}

/** Messages the owner of a process handles; logs and readiness are handled here. */
type ControlMessage = Exclude<ChildMessage, { type: 'log' | 'write' | 'ready' }>;

/**
 * A running Node.js bootstrap process: generic (no function) until an instance loads one into it.
 * Spawned with a minimal environment (PATH, LANG, HOME) and no V8 heap flag, since its memory size
 * is not known yet; the pool enforces memory by polling RSS (see memory-monitor.ts).
 */
export class NodeProcess {
  readonly id: string;
  readonly tmpDir: string;
  readonly router: LogRouter;
  readonly handle: ProcessHandle;
  /** True once the bootstrap said it is ready; false if it ended first. */
  readonly ready: Promise<boolean>;
  #isReady = false;
  #resolveReady!: (ready: boolean) => void;
  #handler: ((message: ControlMessage) => void) | null = null;

  constructor(options: NodeProcessOptions) {
    this.id = randomUUID().replaceAll('-', '');
    this.tmpDir = join(options.tmpRoot, this.id);
    this.router = new LogRouter(options.clock, options.onUnattributedLog);
    this.ready = new Promise((resolve) => {
      this.#resolveReady = resolve;
    });
    this.handle = new ProcessHandle({
      command: process.execPath,
      args: [BOOTSTRAP_PATH],
      cwd: this.tmpDir,
      env: minimalSpawnEnv(this.tmpDir),
      ipc: true,
      router: this.router,
      tmpDir: this.tmpDir,
      ...(options.sandbox ? { sandbox: { ...options.sandbox, runtimePaths: bootstrapPaths() } } : {}),
    });
    this.handle.child.on('message', (message: unknown) => this.#onMessage(message));
    this.handle.onExit(() => this.#resolveReady(false));
  }

  get pid(): number | undefined {
    return this.handle.pid;
  }

  /** Ready and not exited: can be given a function now. */
  get isReady(): boolean {
    return this.#isReady && this.handle.exit === null;
  }

  /** Routes load/invoke replies to `handler` (the instance that owns the process). */
  setHandler(handler: (message: ControlMessage) => void): void {
    this.#handler = handler;
  }

  /** Sends a message; a closed channel is ignored (the exit notification follows). */
  send(message: ParentMessage): void {
    try {
      this.handle.child.send(message, () => {});
    } catch {
      // The channel is closed: the process is exiting.
    }
  }

  kill(): void {
    this.handle.kill();
  }

  #onMessage(message: unknown): void {
    if (!isChildMessage(message)) return;
    switch (message.type) {
      case 'log':
        this.router.line(message.stream, message.level, message.message);
        return;
      case 'write':
        this.router.write(message.stream, message.text);
        return;
      case 'ready':
        if (!this.#isReady) {
          this.#isReady = true;
          this.#resolveReady(true);
        }
        return;
      default:
        this.#handler?.(message);
    }
  }
}
