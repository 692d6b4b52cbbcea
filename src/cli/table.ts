/** A tiny aligned-column formatter for the CLI's tables (no dependency needed for this). */

export interface Column {
  header: string;
  /** Numbers read best right-aligned; text left-aligned (default). */
  align?: 'left' | 'right';
}

export interface TableOptions {
  /** Prefix for every line (for tables nested under a heading). */
  indent?: string;
  /** Spaces between columns; default 2. */
  gap?: number;
}

/**
 * Formats rows under a header row with every column as wide as its widest cell. Lines carry no
 * trailing spaces and the result no trailing newline. Missing cells print empty; extra cells are
 * ignored. Widths count UTF-16 code units, which is right for the ASCII the CLI prints.
 */
export function formatTable(
  columns: ReadonlyArray<string | Column>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  options: TableOptions = {},
): string {
  const cols: Column[] = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const gap = ' '.repeat(options.gap ?? 2);
  const indent = options.indent ?? '';
  const cells = [cols.map((c) => c.header), ...rows.map((row) => cols.map((_, i) => row[i] ?? ''))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) => {
      const line = row
        .map((cell, i) => {
          const width = widths[i] ?? 0;
          return cols[i]?.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
        })
        .join(gap);
      return (indent + line).trimEnd();
    })
    .join('\n');
}

/** Formats `label: value` pairs with the values aligned (for `get` and `show` commands). */
export function formatFields(fields: ReadonlyArray<readonly [string, string]>, indent = ''): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length + 1));
  return fields
    .map(([label, value]) => `${indent}${`${label}:`.padEnd(width)}  ${value}`.trimEnd())
    .join('\n');
}
