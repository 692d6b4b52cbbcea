/** bench/results.json: the machine, the date, and every row of one run. */
import { writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { type BenchRow, formatTarget, roundForJson, verdict } from './rows.js';

export interface MachineInfo {
  node: string;
  platform: string;
  arch: string;
  cpuCount: number;
  cpuModel: string;
  totalMemoryMB: number;
  /** 1, 5 and 15 minute load averages when the run started: how busy the shared machine was. */
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  const cores = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    arch: arch(),
    cpuCount: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    totalMemoryMB: Math.round(totalmem() / 1024 / 1024),
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
}

export interface RunReport {
  date: string;
  durationSec: number;
  quick: boolean;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  rows: readonly BenchRow[];
  observations: readonly string[];
  errors: readonly { benchmark: string; message: string }[];
}

export async function writeResults(path: string, report: RunReport): Promise<void> {
  const json = {
    ...report,
    rows: report.rows.map((row) => ({
      name: row.name,
      value: roundForJson(row.value),
      unit: row.unit,
      target: row.target === undefined ? null : formatTarget(row),
      verdict: verdict(row) || null,
      note: row.note ?? null,
    })),
  };
  await writeFile(path, `${JSON.stringify(json, null, 2)}\n`);
}
