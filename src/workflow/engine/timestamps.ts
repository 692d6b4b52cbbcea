/**
 * ASL timestamps: RFC 3339 date-times with an upper-case `T` and a time zone (`Z` or `±hh:mm`),
 * e.g. `2016-03-14T01:59:00Z`. Used by Wait and the Choice Timestamp operators.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an ASL timestamp, or undefined when it is not one. */
export function parseTimestamp(text: string): number | undefined {
  if (!RFC3339.test(text)) return undefined;
  // Date.parse rolls impossible dates over (Feb 31 → Mar 3); reject them instead.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** ISO-8601 text of an epoch-ms instant (the context object's format). */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
