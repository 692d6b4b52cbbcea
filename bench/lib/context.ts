import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** What every benchmark gets from bench/run.ts. */
export interface BenchContext {
  /** A fresh temp folder for this run: generated apps, data dirs and server logs go under it. */
  workDir: string;
  /** GUST_BENCH_QUICK=1: much shorter runs, for checking the benchmarks themselves, not for results. */
  quick: boolean;
  /** Records something a reader of the results should know about Gust (errors, leaks, anomalies). */
  observe(message: string): void;
  /** Prints progress to stderr (the table goes to stdout). */
  progress(message: string): void;
}

/** A new empty folder under the run's work dir. */
export async function subDir(ctx: BenchContext, name: string): Promise<string> {
  const dir = join(ctx.workDir, name);
  await mkdir(dir, { recursive: true });
  return dir;
}
