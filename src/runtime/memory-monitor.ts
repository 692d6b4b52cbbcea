import { readFile } from 'node:fs/promises';
import type { Clock, TimerHandle } from '../core/clock.js';

/**
 * Memory accounting for instance processes, from Linux's /proc. Instances are started before they
 * know their function (generic Node.js processes), so the limit cannot be given to the process at
 * spawn: the pool polls the resident set size (RSS) of busy instances instead and kills one that
 * goes over its function's memory. Where /proc is not available (macOS), readings are null and the
 * limit is not enforced.
 */

/** At most this many processes are summed for one instance (guards against fork bombs). */
const MAX_TREE_SIZE = 256;

async function readStatusKB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] === undefined ? null : Number(match[1]);
  } catch {
    return null;
  }
}

async function readChildren(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text
      .split(' ')
      .filter((s) => s.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Resident memory (KB) of a process and its descendants, or null if the process cannot be read.
 * Descendants count because a function's memory includes what it spawns (a bash bootstrap running
 * a program per event, a Node.js function shelling out).
 */
export async function readTreeRssKB(pid: number): Promise<number | null> {
  const own = await readStatusKB(pid, 'VmRSS');
  if (own === null) return null;
  let total = own;
  const queue = await readChildren(pid);
  let seen = 1;
  while (queue.length > 0 && seen < MAX_TREE_SIZE) {
    const child = queue.shift()!;
    seen++;
    total += (await readStatusKB(child, 'VmRSS')) ?? 0;
    queue.push(...(await readChildren(child)));
  }
  return total;
}

/** Peak resident memory (KB) of one process over its life (VmHWM), or null. */
export function readPeakRssKB(pid: number): Promise<number | null> {
  return readStatusKB(pid, 'VmHWM');
}

/** KB to whole MB, rounded up (as Lambda reports "Max Memory Used"). */
export function kbToMB(kb: number): number {
  return Math.ceil(kb / 1024);
}

export interface MemoryWatchOptions {
  clock: Clock;
  pollMs: number;
  pid: number;
  limitMB: number;
  /** Called once, with the RSS seen, when it exceeds the limit. Polling stops. */
  onExceeded(usedMB: number): void;
}

export interface MemoryWatch {
  /** Stops polling. Safe to call more than once. */
  stop(): void;
  /** Highest RSS seen while watching, in MB, or null if nothing could be read. */
  readonly peakMB: number | null;
}

/** Polls the RSS of `pid` (and its descendants) every `pollMs` until stopped or over the limit. */
export function watchMemory(options: MemoryWatchOptions): MemoryWatch {
  const limitKB = options.limitMB * 1024;
  let stopped = false;
  let timer: TimerHandle | null = null;
  let peakKB: number | null = null;

  const tick = async (): Promise<void> => {
    timer = null;
    const kb = await readTreeRssKB(options.pid);
    if (stopped) return;
    if (kb !== null) {
      peakKB = Math.max(peakKB ?? 0, kb);
      if (kb > limitKB) {
        stopped = true;
        options.onExceeded(kbToMB(kb));
        return;
      }
    }
    timer = options.clock.setTimeout(schedule, options.pollMs);
  };
  const schedule = (): void => {
    tick().catch(() => {
      // readTreeRssKB does not reject; a failing onExceeded must not become an unhandled rejection.
    });
  };
  timer = options.clock.setTimeout(schedule, options.pollMs);

  return {
    stop() {
      stopped = true;
      timer?.cancel();
      timer = null;
    },
    get peakMB() {
      return peakKB === null ? null : kbToMB(peakKB);
    },
  };
}
