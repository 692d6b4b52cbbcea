/**
 * Child processes the benchmarks start (Gust servers, the raw baseline server). Each is tracked
 * until it exits, so that a crash or Ctrl+C of the benchmark still kills every one of them, and
 * descendants a child leaves behind (Gust's instance processes) are found and killed too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { descendants, killSurvivors, type ProcessId } from './proc.js';

export interface ChildOptions {
  /** For messages: "gust (cold start)". */
  label: string;
  command: string;
  args: readonly string[];
  cwd: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Added to (or overriding) the benchmark's own environment. */
  env?: Readonly<Record<string, string>>;
}

export interface Child {
  readonly label: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles with the exit code (or the signal name) when the process exits. */
  readonly exited: Promise<number | string>;
  /** Null while it runs. */
  exitStatus(): number | string | null;
  /** The last few KB of its output, for error messages. */
  tail(): string;
  /**
   * SIGTERM, then SIGKILL after `graceMs`; then kills any descendant still alive. Resolves to the
   * number of descendants that outlived the child (0 after a clean shutdown).
   */
  stop(graceMs?: number): Promise<number>;
  /**
   * SIGKILL to the process alone, as a crash (`kill -9`) does; resolves once it has exited, to its
   * descendants as they were just before. They may outlive it (check with `isAlive`); the benchmark
   * kills any still alive when it exits.
   */
  crash(): Promise<ProcessId[]>;
}

const TAIL_CHARS = 4000;
const running = new Set<{ child: ChildProcess }>();
/** Descendants of crashed children: no longer under a tracked parent, so remembered here. */
const orphanCandidates: ProcessId[] = [];

export function startChild(options: ChildOptions): Child {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env === undefined ? process.env : { ...process.env, ...options.env },
  });
  if (child.pid === undefined) throw new Error(`could not start ${options.label}: ${options.command}`);
  const pid = child.pid;
  const entry = { child };
  running.add(entry);

  let tail = '';
  const collect = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let status: number | string | null = null;
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      status = code ?? signal ?? 'unknown';
      running.delete(entry);
      log.end();
      resolve(status);
    });
    child.on('error', (error) => {
      collect(Buffer.from(`\n[bench] ${error.message}\n`));
    });
  });

  return {
    label: options.label,
    pid,
    logFile: options.logFile,
    exited,
    exitStatus: () => status,
    tail: () => tail,
    stop: async (graceMs = 10_000) => {
      const family: ProcessId[] = status === null ? descendants(pid) : [];
      if (status === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Give a shutdown's last kills a moment to land before calling anything a survivor.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return killSurvivors(family);
    },
    crash: async () => {
      if (status !== null) return [];
      const family = descendants(pid);
      orphanCandidates.push(...family);
      child.kill('SIGKILL');
      await exited;
      return family;
    },
  };
}

/**
 * Kills every child still running, and their descendants, synchronously: for process 'exit' and
 * signal handlers, where nothing asynchronous runs any more.
 */
export function killAllChildrenNow(): void {
  for (const { child } of running) {
    if (child.pid === undefined) continue;
    const family = descendants(child.pid);
    child.kill('SIGKILL');
    killSurvivors(family);
  }
  running.clear();
  killSurvivors(orphanCandidates);
  orphanCandidates.length = 0;
}
