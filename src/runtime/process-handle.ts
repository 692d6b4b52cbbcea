import { ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProcessExit } from './lambda-errors.js';
import type { LogRouter } from './log-router.js';
import {
  SANDBOX_HOST_ID,
  type SandboxLimits,
  type SandboxNetwork,
  type SandboxRelay,
  sandboxCommand,
} from './sandbox/bwrap.js';

/** How to sandbox a process (see sandbox/bwrap.ts); absent means it runs unsandboxed. */
export interface ProcessSandbox {
  codeDir: string;
  network: SandboxNetwork;
  limits: SandboxLimits;
  /** Read-only paths the process needs besides the code (Gust's Node.js bootstrap). */
  runtimePaths: string[];
  /** A TCP→Unix-socket relay in front of the command (a `provided` function without network). */
  relay?: SandboxRelay;
}

/** After the process exits, how long to wait for its pipes to close before finishing anyway. */
const PIPE_DRAIN_GRACE_MS = 1000;

export interface ProcessHandleOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  ipc: boolean;
  /** Receives the pipe output. */
  router: LogRouter;
  /** Created before the spawn (it is usually the process's HOME/TMPDIR), removed after it ends. */
  tmpDir: string;
  /** Run the process in a bubblewrap sandbox; `cwd` is then the directory inside it. */
  sandbox?: ProcessSandbox;
}

/**
 * One child process of an instance, owning its lifecycle: spawn in its own process group (so a kill
 * also takes the function's own child processes), pipe output into the log router, and one `exit`
 * notification after everything the process wrote has been read (or a short grace period passed).
 * Then the process group is killed and the tmp dir removed.
 *
 * Never throws and never emits unhandled errors: a spawn failure is reported as an exit.
 */
export class ProcessHandle {
  readonly child: ChildProcess;
  /** Resolves once the process has ended and the tmp dir is removed. */
  readonly closed: Promise<void>;
  #exit: ProcessExit | null = null;
  #finished = false;
  #listeners: Array<(exit: ProcessExit) => void> = [];
  #resolveClosed!: () => void;
  readonly #tmpDir: string;
  readonly #router: LogRouter;

  constructor(options: ProcessHandleOptions) {
    this.#tmpDir = options.tmpDir;
    this.#router = options.router;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    try {
      // Cold path only, and one mkdir: not worth an await that would complicate every caller.
      mkdirSync(options.tmpDir, { recursive: true, mode: 0o700 });
    } catch {
      // The spawn or the function will report the problem.
    }
    let { command, args, cwd } = options;
    /** As root, bwrap itself runs as an unprivileged host user (see SANDBOX_HOST_ID). */
    let asUser: number | undefined;
    if (options.sandbox) {
      if (process.getuid?.() === 0) {
        asUser = SANDBOX_HOST_ID;
        try {
          chownSync(options.tmpDir, asUser, asUser);
          // The tmp root must be traversable (not listable) for bwrap to bind the tmp dir.
          chmodSync(dirname(options.tmpDir), 0o711);
        } catch {
          // The function will find /tmp not writable and report it.
        }
      }
      // bwrap itself starts in the tmp dir (which exists); the process inside starts in `cwd`.
      ({ command, args } = sandboxCommand({
        ...options.sandbox,
        command,
        args,
        cwd,
        tmpDir: options.tmpDir,
        nodeBinary: process.execPath,
      }));
      cwd = options.tmpDir;
    }
    const spawnOptions: SpawnOptions = {
      cwd,
      env: options.env,
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      // Own process group: kill(-pid) reaches the function's child processes too.
      detached: true,
      ...(asUser === undefined ? {} : { uid: asUser, gid: asUser }),
    };
    let child: ChildProcess;
    try {
      child = spawn(command, args, spawnOptions);
    } catch {
      // Invalid arguments (for example a NUL byte in an environment value) throw synchronously.
      // Stand in an unspawned ChildProcess and report it as an exit, like an asynchronous failure.
      child = new ChildProcess();
      setImmediate(() => this.#onExit({ code: null, signal: null }));
    }
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.#router.pipe('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.#router.pipe('stderr', chunk));
    child.stdout?.on('error', () => {});
    child.stderr?.on('error', () => {});
    child.on('error', () => {
      // Spawn failures (ENOENT, EACCES) come here with no pid and no 'exit'; later errors (a failed
      // send or kill) are followed by 'exit' anyway.
      if (child.pid === undefined) this.#onExit({ code: null, signal: null });
    });
    child.on('exit', (code, signal) => this.#onExit({ code, signal }));
    child.on('close', () => this.#finish());
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the process ended, once it has. */
  get exit(): ProcessExit | null {
    return this.#exit;
  }

  /** Calls `listener` once, after the process ended and its output was read (at once if it has). */
  onExit(listener: (exit: ProcessExit) => void): void {
    if (this.#finished && this.#exit) listener(this.#exit);
    else this.#listeners.push(listener);
  }

  /** SIGKILLs the process and its group. Safe to call at any time, more than once. */
  kill(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.#finished) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        this.child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  #onExit(exit: ProcessExit): void {
    if (this.#exit) return;
    this.#exit = exit;
    // Leftover members of the group (background children) go with the process.
    this.kill();
    if (this.child.pid === undefined) {
      this.#finish();
      return;
    }
    // 'close' normally follows once the pipes are drained; don't wait on a pipe held open elsewhere.
    setTimeout(() => this.#finish(), PIPE_DRAIN_GRACE_MS).unref();
  }

  #finish(): void {
    if (this.#finished || !this.#exit) return;
    this.#finished = true;
    const exit = this.#exit;
    this.#router.flush();
    for (const listener of this.#listeners.splice(0)) {
      try {
        listener(exit);
      } catch {
        // A failing listener must not stop the cleanup.
      }
    }
    rm(this.#tmpDir, { recursive: true, force: true })
      .catch(() => {})
      .finally(() => this.#resolveClosed());
  }
}
