/** What a benchmark aims for: the value must be at least `atLeast` and/or at most `atMost`. */
export interface Target {
  atLeast?: number;
  atMost?: number;
}

/** One measured figure. `store-bench.ts`'s BenchResult rows fit this shape without a target. */
export interface BenchRow {
  name: string;
  /** NaN when the benchmark could not measure it. */
  value: number;
  unit: string;
  target?: Target;
  /** Context a reader needs to trust the figure (settings, anomalies). Printed under the table. */
  note?: string;
}

export type Verdict = 'met' | 'MISSED' | 'n/a' | '';

export function verdict(row: BenchRow): Verdict {
  if (row.target === undefined) return '';
  if (!Number.isFinite(row.value)) return 'n/a';
  const { atLeast, atMost } = row.target;
  if (atLeast !== undefined && row.value < atLeast) return 'MISSED';
  if (atMost !== undefined && row.value > atMost) return 'MISSED';
  return 'met';
}

export function formatTarget(row: BenchRow): string {
  if (row.target === undefined) return '';
  const parts: string[] = [];
  if (row.target.atLeast !== undefined) parts.push(`>= ${row.target.atLeast}`);
  if (row.target.atMost !== undefined) parts.push(`<= ${row.target.atMost}`);
  return parts.join(', ');
}

/** Rounds for display: integers for large values, more decimals for small ones. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toString();
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** Rounds a value for results.json without losing meaningful digits. */
export function roundForJson(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  return Number(value.toPrecision(6));
}
