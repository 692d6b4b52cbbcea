/** How the CLI shows times, durations, ids and sizes. Pure functions, so tables are testable. */

/** Local time as `YYYY-MM-DD HH:MM:SS.mmm` (ISO-like, sortable, without the T and zone noise). */
export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '-';
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`
  );
}

/**
 * Milliseconds with precision that suits the size: `0.42 ms`, `1.83 ms`, `12.3 ms`, `245 ms`,
 * `12034 ms`. Null (not measured) prints `-`.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** The first 8 characters of an id: enough to tell request ids and version hashes apart by eye. */
export function shortId(id: string | null | undefined, length = 8): string {
  if (id === null || id === undefined || id === '') return '-';
  return id.length > length ? id.slice(0, length) : id;
}

/**
 * A request or message id, shortened to its last characters: Gust's ids begin with the time (they
 * sort by creation), so their tails are what tells two of them apart.
 */
export function shortRequestId(id: string | null | undefined, length = 8): string {
  if (id === null || id === undefined || id === '') return '-';
  return id.length > length ? id.slice(-length) : id;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Pretty-prints JSON text when it parses, and returns it unchanged when it does not. */
export function prettyJson(text: string): string {
  if (text.trim() === '') return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
