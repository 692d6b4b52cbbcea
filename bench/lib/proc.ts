/**
 * Linux /proc readers: a process's descendants and its memory. Benchmarks use them to measure the
 * Gust server and the instance processes it spawns, and to make sure none outlive a run.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A process identity that survives pid reuse: the kernel's start time (in clock ticks) with the pid. */
export interface ProcessId {
  pid: number;
  startTime: string;
}

interface StatLine {
  pid: number;
  ppid: number;
  startTime: string;
  /** User plus system CPU time, in seconds. */
  cpuSec: number;
}

/** USER_HZ: the unit of CPU times in /proc/PID/stat. 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SEC = 100;

function readStat(pid: number): StatLine | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces or ')'; fields follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, starttime 22.
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    return {
      pid,
      ppid: Number(fields[1]),
      startTime: fields[19] ?? '',
      cpuSec: cpuTicks / CLOCK_TICKS_PER_SEC,
    };
  } catch {
    return undefined;
  }
}

/** Every live process whose parent chain leads to `rootPid` (not including it). */
export function descendants(rootPid: number): ProcessId[] {
  return descendantStats(rootPid).map(({ pid, startTime }) => ({ pid, startTime }));
}

function descendantStats(rootPid: number): StatLine[] {
  const children = new Map<number, StatLine[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat === undefined) continue;
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const found: StatLine[] = [];
  const queue = [rootPid];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

export interface TreeCpu {
  /** CPU seconds used so far by the process itself. */
  root: number;
  /** By its live descendants, keyed by "pid:startTime" so later readings can be subtracted. */
  descendants: Map<string, number>;
}

export function treeCpu(pid: number): TreeCpu {
  const descendantsCpu = new Map<string, number>();
  for (const child of descendantStats(pid))
    descendantsCpu.set(`${child.pid}:${child.startTime}`, child.cpuSec);
  return { root: readStat(pid)?.cpuSec ?? Number.NaN, descendants: descendantsCpu };
}

/** CPU seconds used between two readings: by the process, and by its descendants (new ones count from 0). */
export function cpuBetween(before: TreeCpu, after: TreeCpu): { root: number; descendants: number } {
  let children = 0;
  for (const [key, cpu] of after.descendants) children += cpu - (before.descendants.get(key) ?? 0);
  return { root: after.root - before.root, descendants: children };
}

/** True while the very process `id` names (not a later one reusing its pid) is alive. */
export function isAlive(id: ProcessId): boolean {
  return readStat(id.pid)?.startTime === id.startTime;
}

/** Sends SIGKILL to each process of `ids` that is still alive; returns how many were. */
export function killSurvivors(ids: readonly ProcessId[]): number {
  let killed = 0;
  for (const id of ids) {
    if (!isAlive(id)) continue;
    try {
      process.kill(id.pid, 'SIGKILL');
      killed += 1;
    } catch {
      // It exited in between.
    }
  }
  return killed;
}

export interface MemoryKB {
  /** Resident set size (VmRSS): counts shared pages (code, shared libraries) in every process. */
  rss: number;
  /** Proportional set size: shared pages are divided among the processes sharing them, so PSS adds up. */
  pss: number;
}

/** RSS and PSS of one process in KB, or undefined if it is gone. */
export function memoryOf(pid: number): MemoryKB | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
    let pss = Number.NaN;
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      pss = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? Number.NaN);
    } catch {
      // smaps_rollup needs Linux 4.14+; RSS alone is still meaningful.
    }
    return { rss, pss };
  } catch {
    return undefined;
  }
}

export interface TreeMemory {
  root: MemoryKB;
  /** Root plus every descendant. */
  total: MemoryKB;
  descendantCount: number;
}

/** Memory of `pid` alone and of it with all its descendants. */
export function treeMemory(pid: number): TreeMemory | undefined {
  const root = memoryOf(pid);
  if (root === undefined) return undefined;
  const total = { ...root };
  const children = descendants(pid);
  for (const child of children) {
    const memory = memoryOf(child.pid);
    if (memory === undefined) continue;
    total.rss += memory.rss;
    total.pss += memory.pss;
  }
  return { root, total, descendantCount: children.length };
}

/**
 * CPU seconds used so far by every live process whose command name (`/proc/PID/comm`) is `name`,
 * whoever started it: the PostgreSQL server's processes, for instance. A process that exits between
 * two readings takes its CPU with it, so differences are lower bounds.
 */
export function cpuOfCommand(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== name) continue;
    } catch {
      continue;
    }
    total += readStat(Number(entry))?.cpuSec ?? 0;
  }
  return total;
}

/** Clock ticks the whole machine has spent, busy and in all, since boot (the `cpu` line of /proc/stat). */
export interface MachineTicks {
  busy: number;
  total: number;
}

export function machineTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal guest guest_nice: idle and iowait are not
  // busy; guest time is already counted in user, so the last two are left out.
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/** Share of all the machine's CPUs that was busy between two readings, 0 to 1, whoever used it. */
export function busyBetween(before: MachineTicks, after: MachineTicks): number {
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : Number.NaN;
}
