import type { LogEntry } from '../core/types.js';

/** The platform lines Lambda writes around every invocation. */
export function startLine(requestId: string, executedVersion: string): string {
  return `START RequestId: ${requestId} Version: ${executedVersion}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface ReportFacts {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memoryMB: number;
  maxMemoryUsedMB: number | null;
  initDurationMs: number | null;
}

export function reportLine(f: ReportFacts): string {
  let line =
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${f.billedDurationMs} ms\tMemory Size: ${f.memoryMB} MB\t` +
    `Max Memory Used: ${f.maxMemoryUsedMB ?? '-'} MB`;
  if (f.initDurationMs !== null) line += `\tInit Duration: ${f.initDurationMs.toFixed(2)} ms`;
  return line;
}

/** Renders a stored line the way Lambda's log stream shows it. */
export function formatLogLine(entry: LogEntry): string {
  if (entry.level === null || entry.stream === 'platform') return entry.message;
  return `${new Date(entry.time).toISOString()}\t${entry.requestId ?? 'undefined'}\t${entry.level}\t${entry.message}`;
}

/** The last `maxBytes` bytes of the rendered lines, cut at a line boundary where possible. */
export function logTail(entries: readonly LogEntry[], maxBytes = 4096): string {
  const text = `${entries.map(formatLogLine).join('\n')}\n`;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const cut = bytes.subarray(bytes.length - maxBytes).toString('utf8');
  const newline = cut.indexOf('\n');
  return newline >= 0 && newline < cut.length - 1 ? cut.slice(newline + 1) : cut;
}
